//! Review rules in TOML: which checks run, with which thresholds and severities, and the
//! controls each serves. The built-in set is `rules.toml` beside this file.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The built-in rules, compiled into the binary.
pub const DEFAULT_RULES: &str = include_str!("rules.toml");

/// What a rule checks. The query behind each lives in `review::findings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Dormant,
    UnusedEntitlement,
    AfterDeactivation,
    TokenAfterDeactivation,
    ShadowIdentity,
    OrphanedIdentity,
    PrivilegeThroughNesting,
    ApprovalUnchanged,
    ApprovalChanged,
    StaleCredential,
    UnreadableCertificate,
}

impl Check {
    /// Whether the check needs `days`.
    fn uses_days(self) -> bool {
        matches!(
            self,
            Check::Dormant | Check::UnusedEntitlement | Check::StaleCredential
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// A control of a framework that auditors read findings against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    pub framework: String,
    pub title: String,
}

/// One rule of a rules file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub check: Check,
    pub title: String,
    pub severity: Severity,
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// The window in days, for the checks that look back over time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Identity kinds checked; empty means every kind but groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entitlement_kinds: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credential_actions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_actors: Vec<String>,
    /// Actor types (as the events record them) that `shadow_identity` leaves out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_actor_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credential_kinds: Vec<String>,
    /// Value prefixes of short-lived credentials that `stale_credential` leaves out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub short_lived_prefixes: Vec<String>,
    /// Days before a certificate's notAfter from which `stale_credential` reports it;
    /// without it, only expired certificates are reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_days: Option<u32>,
    /// Ids of entries of the file's `[[control]]` list.
    #[serde(default)]
    pub controls: Vec<String>,
}

fn enabled() -> bool {
    true
}

impl Rule {
    /// The threshold in words, as findings and reports show it.
    pub fn threshold(&self) -> String {
        let days = match self.days {
            Some(days) => format!("{days} days"),
            None => "any".to_string(),
        };
        match self.certificate_days {
            Some(window) if self.check == Check::StaleCredential => {
                format!("{days}; certificates expiring within {window} days")
            }
            _ => days,
        }
    }
}

/// A parsed and checked rules file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    #[serde(default, rename = "control")]
    pub controls: Vec<Control>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// The built-in rules.
    pub fn builtin() -> RuleSet {
        // The built-in file is checked by a unit test, so it always parses.
        RuleSet::parse(DEFAULT_RULES, "built-in rules").unwrap_or(RuleSet {
            controls: Vec::new(),
            rules: Vec::new(),
        })
    }

    /// Reads and checks a rules file.
    pub fn load(path: &Path) -> Result<RuleSet> {
        let text = std::fs::read_to_string(path).map_err(|err| Error::io(path, err))?;
        RuleSet::parse(&text, &path.display().to_string())
            .map_err(|reason| Error::invalid_file(path, reason))
    }

    /// Parses rules text; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str) -> std::result::Result<RuleSet, String> {
        let set: RuleSet = toml::from_str(text).map_err(|err| format!("{origin}: {err}"))?;
        set.validate()
            .map_err(|reason| format!("{origin}: {reason}"))?;
        Ok(set)
    }

    fn validate(&self) -> std::result::Result<(), String> {
        let controls: BTreeSet<&str> = self.controls.iter().map(|c| c.id.as_str()).collect();
        let mut ids = BTreeSet::new();
        for rule in &self.rules {
            if !ids.insert(rule.id.as_str()) {
                return Err(format!("rule id {:?} is used twice", rule.id));
            }
            if rule.check.uses_days() && rule.days.is_none_or(|d| d == 0) {
                return Err(format!(
                    "rule {:?}: `days` must be a positive number of days for check {:?}",
                    rule.id, rule.check
                ));
            }
            if let Some(unknown) = rule
                .controls
                .iter()
                .find(|c| !controls.contains(c.as_str()))
            {
                return Err(format!(
                    "rule {:?} names control {unknown:?}, which no [[control]] entry defines",
                    rule.id
                ));
            }
        }
        Ok(())
    }

    /// The enabled rules in file order.
    pub fn enabled(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.enabled)
    }

    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse() {
        let set = RuleSet::parse(DEFAULT_RULES, "built-in").expect("built-in rules");
        assert_eq!(set.rules.len(), 11);
        assert_eq!(set.rules[0].days, Some(90));
    }

    #[test]
    fn unknown_control_is_rejected() {
        let text = "[[rule]]\nid = \"r\"\ncheck = \"shadow_identity\"\ntitle = \"t\"\n\
                    severity = \"low\"\ncontrols = [\"ASI99\"]\n";
        let err = RuleSet::parse(text, "f.toml").unwrap_err();
        assert!(err.contains("ASI99"), "{err}");
    }

    #[test]
    fn missing_days_is_rejected() {
        let text = "[[rule]]\nid = \"r\"\ncheck = \"dormant\"\ntitle = \"t\"\nseverity = \"low\"\n";
        let err = RuleSet::parse(text, "f.toml").unwrap_err();
        assert!(err.contains("`days`"), "{err}");
    }

    #[test]
    fn unknown_key_is_rejected() {
        let text = "[[rule]]\nid = \"r\"\ncheck = \"dormant\"\ntitle = \"t\"\nseverity = \"low\"\n\
                    days = 3\nthreshold = 4\n";
        let err = RuleSet::parse(text, "f.toml").unwrap_err();
        assert!(err.contains("threshold"), "{err}");
    }

    #[test]
    fn duplicate_rule_id_is_rejected() {
        let rule = "[[rule]]\nid = \"r\"\ncheck = \"shadow_identity\"\ntitle = \"t\"\nseverity = \"low\"\n";
        let err = RuleSet::parse(&format!("{rule}{rule}"), "f.toml").unwrap_err();
        assert!(err.contains("used twice"), "{err}");
    }
}
