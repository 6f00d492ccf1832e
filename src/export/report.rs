//! The review report of a pack, in Markdown and as one self-contained HTML file: campaign
//! summary and progress, findings by severity, decisions and remediation status.

use std::fmt::Write as _;

use crate::case::{Campaign, CampaignProgress};
use crate::model::Decision;
use crate::review::findings::Findings;
use crate::review::remediation::Remediation;
use crate::review::rules::Severity;

/// Everything a report shows, gathered once for both renderings.
pub struct Report<'a> {
    pub generated_at: &'a str,
    pub campaigns: &'a [(Campaign, CampaignProgress)],
    pub findings: &'a Findings,
    pub decisions: &'a [Decision],
    pub remediation: &'a [Remediation],
    pub revocation_requests: usize,
}

const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// A table as a header and rows of cells, rendered by each format.
struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Report<'_> {
    fn sections(&self) -> Vec<(String, Table)> {
        let mut sections = vec![("Campaigns".to_string(), self.campaign_table())];
        sections.push(("Findings by severity".to_string(), self.severity_table()));
        for severity in SEVERITIES {
            let table = self.findings_table(severity);
            if !table.rows.is_empty() {
                sections.push((format!("Findings: {}", severity.as_str()), table));
            }
        }
        sections.push(("Decisions".to_string(), self.decision_table()));
        sections.push(("Remediation".to_string(), self.remediation_table()));
        sections
    }

    fn intro(&self) -> Vec<String> {
        vec![
            format!("Generated at {}.", self.generated_at),
            format!(
                "Findings as of {} ({}): {} in total.",
                self.findings.as_of.time,
                self.findings.as_of.basis,
                self.findings.findings.len()
            ),
            format!(
                "{} in the ledger; {} written as SCIM PATCH requests \
                 (scim-patch-requests.json) and one Bulk request (scim-bulk-request.json).",
                counted(self.decisions.len(), "decision"),
                counted(self.revocation_requests, "revocation")
            ),
        ]
    }

    fn campaign_table(&self) -> Table {
        let rows = self
            .campaigns
            .iter()
            .map(|(c, p)| {
                let reviewers: Vec<String> = p
                    .reviewers
                    .iter()
                    .map(|r| format!("{} {}", r.reviewer, r.decided))
                    .collect();
                vec![
                    c.campaign_id.clone(),
                    c.name.clone(),
                    c.snapshot_id.to_string(),
                    c.due_date.clone(),
                    format!("{} of {}", p.decided, p.items),
                    reviewers.join(", "),
                ]
            })
            .collect();
        Table {
            header: vec!["id", "name", "snapshot", "due", "decided", "per reviewer"],
            rows,
        }
    }

    fn severity_table(&self) -> Table {
        let rows = SEVERITIES
            .iter()
            .map(|s| {
                let count = self
                    .findings
                    .findings
                    .iter()
                    .filter(|f| f.severity == *s)
                    .count();
                vec![s.as_str().to_string(), count.to_string()]
            })
            .collect();
        Table {
            header: vec!["severity", "findings"],
            rows,
        }
    }

    fn findings_table(&self, severity: Severity) -> Table {
        let rows = self
            .findings
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| {
                let controls: Vec<&str> = f.controls.iter().map(|c| c.id.as_str()).collect();
                vec![
                    f.id.clone(),
                    f.summary.clone(),
                    f.threshold.clone(),
                    controls.join(", "),
                    f.evidence.len().to_string(),
                ]
            })
            .collect();
        Table {
            header: vec![
                "finding",
                "summary",
                "threshold",
                "controls",
                "evidence rows",
            ],
            rows,
        }
    }

    fn decision_table(&self) -> Table {
        let rows = self
            .decisions
            .iter()
            .map(|d| {
                vec![
                    d.seq.to_string(),
                    d.decided_at.clone(),
                    d.campaign.clone().unwrap_or_default(),
                    d.identity_key.clone(),
                    d.entitlement.clone().unwrap_or_default(),
                    d.verdict.clone(),
                    d.reviewer.clone(),
                    d.justification.clone(),
                    if d.current { "current" } else { "superseded" }.to_string(),
                ]
            })
            .collect();
        Table {
            header: vec![
                "seq",
                "decided at",
                "campaign",
                "identity",
                "entitlement",
                "verdict",
                "reviewer",
                "justification",
                "state",
            ],
            rows,
        }
    }

    fn remediation_table(&self) -> Table {
        let rows = self
            .remediation
            .iter()
            .map(|r| {
                vec![
                    r.seq.to_string(),
                    r.identity_key.clone(),
                    r.entitlement.clone().unwrap_or_default(),
                    r.status.clone(),
                    r.snapshot_id.map(|s| s.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        Table {
            header: vec![
                "decision",
                "identity",
                "entitlement",
                "status",
                "checked in snapshot",
            ],
            rows,
        }
    }

    /// Renders the report as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::from("# Access review report\n\n");
        for line in self.intro() {
            let _ = writeln!(out, "{line}\n");
        }
        for (title, table) in self.sections() {
            let _ = writeln!(out, "## {title}\n");
            if table.rows.is_empty() {
                out.push_str("None.\n\n");
                continue;
            }
            let _ = writeln!(out, "| {} |", table.header.join(" | "));
            let _ = writeln!(out, "|{}", "---|".repeat(table.header.len()));
            for row in &table.rows {
                let cells: Vec<String> = row.iter().map(|c| markdown_cell(c)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            out.push('\n');
        }
        out
    }

    /// Renders the report as one HTML document with its style inline and no script, link
    /// or image, so it opens without a network.
    pub fn html(&self) -> String {
        let mut out = String::from(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <title>Access review report</title>\n<style>\n",
        );
        out.push_str(STYLE);
        out.push_str("</style>\n</head>\n<body>\n<h1>Access review report</h1>\n");
        for line in self.intro() {
            let _ = writeln!(out, "<p>{}</p>", escape(&line));
        }
        for (title, table) in self.sections() {
            let _ = writeln!(out, "<h2>{}</h2>", escape(&title));
            if table.rows.is_empty() {
                out.push_str("<p>None.</p>\n");
                continue;
            }
            out.push_str("<table>\n<tr>");
            for cell in &table.header {
                let _ = write!(out, "<th>{}</th>", escape(cell));
            }
            out.push_str("</tr>\n");
            for row in &table.rows {
                out.push_str("<tr>");
                for cell in row {
                    let _ = write!(out, "<td>{}</td>", escape(cell));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</table>\n");
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

const STYLE: &str = "body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
h2 { margin-top: 1.5em; }
";

/// Escapes the characters HTML gives meaning to, so evidence text is shown, never run.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::sanitize::for_terminal(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// `1 decision`, `2 decisions`: the nouns counted here all take a plain `s`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn markdown_cell(text: &str) -> String {
    crate::sanitize::for_markdown(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_evidence_is_escaped() {
        assert_eq!(
            escape("<script>x</script>"),
            "&lt;script&gt;x&lt;/script&gt;"
        );
    }

    #[test]
    fn markdown_cell_stays_on_one_row() {
        assert_eq!(markdown_cell("a|b\nc"), "a\\|b\\\\nc");
    }

    #[test]
    fn one_revocation_is_singular() {
        assert_eq!(counted(1, "revocation"), "1 revocation");
        assert_eq!(counted(0, "revocation"), "0 revocations");
    }

    #[test]
    fn markdown_cell_keeps_links_inert() {
        assert_eq!(
            markdown_cell("![i](http://192.0.2.1/x.png)"),
            "\\!\\[i\\]\\(http://192.0.2.1/x.png\\)"
        );
    }
}
