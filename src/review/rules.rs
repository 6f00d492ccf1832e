//! Review rules in TOML: which checks run, with which thresholds and severities, and the
//! controls each serves. The built-in set is `rules.toml` beside this file.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The built-in rules, compiled into the binary.
pub const DEFAULT_RULES: &str = include_str!("rules.toml");

/// The kind of check a rule runs. The query behind each is in `review::findings`.
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
    /// Returns the check's name as rules files spell it.
    pub fn name(self) -> &'static str {
        match self {
            Check::Dormant => "dormant",
            Check::UnusedEntitlement => "unused_entitlement",
            Check::AfterDeactivation => "after_deactivation",
            Check::TokenAfterDeactivation => "token_after_deactivation",
            Check::ShadowIdentity => "shadow_identity",
            Check::OrphanedIdentity => "orphaned_identity",
            Check::PrivilegeThroughNesting => "privilege_through_nesting",
            Check::ApprovalUnchanged => "approval_unchanged",
            Check::ApprovalChanged => "approval_changed",
            Check::StaleCredential => "stale_credential",
            Check::UnreadableCertificate => "unreadable_certificate",
        }
    }

    /// Returns whether the check needs `days`.
    fn uses_days(self) -> bool {
        matches!(
            self,
            Check::Dormant | Check::UnusedEntitlement | Check::StaleCredential
        )
    }

    /// Returns the optional settings the check's query reads. Any other setting is an error.
    fn settings(self) -> &'static [&'static str] {
        match self {
            Check::Dormant => &["days", "kinds"],
            Check::UnusedEntitlement => &["days", "entitlement_kinds"],
            Check::TokenAfterDeactivation => &["credential_actions"],
            Check::ShadowIdentity => &["ignore_actors", "ignore_actor_types"],
            Check::OrphanedIdentity => &["kinds", "relations"],
            Check::StaleCredential => &[
                "days",
                "credential_kinds",
                "short_lived_prefixes",
                "certificate_days",
            ],
            Check::AfterDeactivation
            | Check::UnreadableCertificate
            | Check::PrivilegeThroughNesting
            | Check::ApprovalUnchanged
            | Check::ApprovalChanged => &[],
        }
    }
}

/// The largest `days` a rule may set: 100 years, far inside the timestamp range.
pub const MAX_DAYS: u32 = 36_500;

/// The identity kinds a rule's `kinds` may list.
const IDENTITY_KINDS: [&str; 5] = ["human", "service", "agent", "group", "other"];

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
    /// Returns the names of the optional settings the rule sets.
    fn set_settings(&self) -> Vec<&'static str> {
        [
            ("days", self.days.is_some()),
            ("kinds", !self.kinds.is_empty()),
            ("entitlement_kinds", !self.entitlement_kinds.is_empty()),
            ("relations", !self.relations.is_empty()),
            ("credential_actions", !self.credential_actions.is_empty()),
            ("ignore_actors", !self.ignore_actors.is_empty()),
            ("ignore_actor_types", !self.ignore_actor_types.is_empty()),
            ("certificate_days", self.certificate_days.is_some()),
            ("credential_kinds", !self.credential_kinds.is_empty()),
            (
                "short_lived_prefixes",
                !self.short_lived_prefixes.is_empty(),
            ),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }

    /// Checks the rule's settings against what its check reads.
    fn validate(&self) -> std::result::Result<(), String> {
        let check = self.check.name();
        if let Some(unused) = self
            .set_settings()
            .into_iter()
            .find(|name| !self.check.settings().contains(name))
        {
            return Err(format!(
                "rule {:?}: check {check} does not use `{unused}`; remove it",
                self.id
            ));
        }
        if self.check.uses_days() && !self.days.is_some_and(|d| (1..=MAX_DAYS).contains(&d)) {
            return Err(format!(
                "rule {:?}: `days` must be a number of days from 1 to {MAX_DAYS} for check {check}",
                self.id
            ));
        }
        if let Some(unknown) = self
            .kinds
            .iter()
            .find(|k| !IDENTITY_KINDS.contains(&k.as_str()))
        {
            return Err(format!(
                "rule {:?}: unknown identity kind {unknown:?} in `kinds`; use {}",
                self.id,
                IDENTITY_KINDS.join(", ")
            ));
        }
        Ok(())
    }

    /// Returns the threshold in words, as findings and reports show it.
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
    /// Returns the built-in rules.
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
        RuleSet::parse_unnamed(&text).map_err(|reason| Error::invalid_file(path, reason))
    }

    /// Parses rules text; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str) -> std::result::Result<RuleSet, String> {
        RuleSet::parse_unnamed(text).map_err(|reason| format!("{origin}: {reason}"))
    }

    fn parse_unnamed(text: &str) -> std::result::Result<RuleSet, String> {
        let set: RuleSet = toml::from_str(text).map_err(|err| err.to_string())?;
        set.validate()?;
        Ok(set)
    }

    fn validate(&self) -> std::result::Result<(), String> {
        if self.rules.is_empty() {
            return Err("the file defines no [[rule]], so no rule would run".into());
        }
        let controls: BTreeSet<&str> = self.controls.iter().map(|c| c.id.as_str()).collect();
        let mut ids = BTreeSet::new();
        for rule in &self.rules {
            if !ids.insert(rule.id.as_str()) {
                return Err(format!("rule id {:?} is used twice", rule.id));
            }
            rule.validate()?;
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

    /// Returns the enabled rules in file order.
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

    fn rule(body: &str) -> String {
        format!("[[rule]]\nid = \"r\"\ntitle = \"t\"\nseverity = \"low\"\n{body}\n")
    }

    #[test]
    fn huge_days_is_rejected() {
        let err =
            RuleSet::parse(&rule("check = \"dormant\"\ndays = 4294967295"), "f.toml").unwrap_err();
        assert!(err.contains("from 1 to 36500"), "{err}");
    }

    #[test]
    fn days_limit_is_accepted() {
        let set = RuleSet::parse(&rule("check = \"dormant\"\ndays = 36500"), "f.toml");
        assert!(set.is_ok(), "{set:?}");
    }

    #[test]
    fn days_error_names_rule() {
        let err = RuleSet::parse(&rule("check = \"dormant\"\ndays = 36501"), "f.toml").unwrap_err();
        assert!(err.contains("rule \"r\""), "{err}");
    }

    #[test]
    fn check_spelled_as_in_file() {
        let err = RuleSet::parse(&rule("check = \"dormant\"\ndays = 0"), "f.toml").unwrap_err();
        assert!(err.ends_with("for check dormant"), "{err}");
    }

    #[test]
    fn unknown_kind_is_rejected() {
        let body = "check = \"dormant\"\ndays = 3\nkinds = [\"humans\"]";
        let err = RuleSet::parse(&rule(body), "f.toml").unwrap_err();
        assert!(err.contains("unknown identity kind \"humans\""), "{err}");
    }

    #[test]
    fn unused_setting_is_rejected() {
        let err = RuleSet::parse(&rule("check = \"after_deactivation\"\ndays = 5"), "f.toml")
            .unwrap_err();
        assert!(
            err.contains("check after_deactivation does not use `days`"),
            "{err}"
        );
    }

    #[test]
    fn empty_file_is_rejected() {
        let err = RuleSet::parse("# nothing\n", "f.toml").unwrap_err();
        assert!(err.contains("no [[rule]]"), "{err}");
    }

    #[test]
    fn duplicate_rule_id_is_rejected() {
        let rule = "[[rule]]\nid = \"r\"\ncheck = \"shadow_identity\"\ntitle = \"t\"\nseverity = \"low\"\n";
        let err = RuleSet::parse(&format!("{rule}{rule}"), "f.toml").unwrap_err();
        assert!(err.contains("used twice"), "{err}");
    }
}
