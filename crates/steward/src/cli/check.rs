//! `steward check`: the compliance check over a data directory's registers, printed in
//! words grouped by severity or as JSON, exiting 1 when any finding is an error (so a
//! script or a scheduled job can act on it).

use super::Failure;
use super::open::open;
use crate::config::Overrides;
use std::path::Path;
use steward_app::Context;
use steward_core::compliance::{Finding, Severity, counts, long_date};

/// Run the check on `data_dir`; print the findings (as JSON with `json`). An error
/// finding makes the exit code 1, with nothing more said on standard error.
pub(super) fn run(data_dir: &Path, json: bool) -> Result<(), Failure> {
    let (app, _) = open(data_dir, &Overrides::default())?;
    let findings = app.compliance_check(&Context::cli())?;
    if json {
        let text =
            serde_json::to_string_pretty(&findings).map_err(|e| Failure(format!("cannot write JSON: {e}"), 1))?;
        println!("{text}");
    } else {
        print!("{}", words(&findings, &long_date(app.today())));
    }
    if findings.iter().any(|f| f.severity == Severity::Error) { Err(Failure(String::new(), 1)) } else { Ok(()) }
}

/// The findings in words: a summary line, then each severity's findings with the law
/// and what to do.
fn words(findings: &[Finding], today: &str) -> String {
    let (errors, warnings) = counts(findings);
    let plural = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    let mut out =
        format!("Compliance check of {today}: {}, {}\n", plural(errors, "error"), plural(warnings, "warning"));
    if findings.is_empty() {
        out.push_str("Nothing to put right: no rule found a gap.\n");
    }
    for (severity, heading) in [(Severity::Error, "Errors"), (Severity::Warning, "Warnings")] {
        let of: Vec<&Finding> = findings.iter().filter(|f| f.severity == severity).collect();
        if of.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{heading}\n"));
        for f in of {
            out.push_str(&format!("  [{}] {}\n", f.rule.as_str(), f.message));
            out.push_str(&format!("      Law: {}\n", f.citation));
            out.push_str(&format!("      Fix: {}\n", f.fix));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_core::compliance::Rule;

    #[test]
    fn findings_are_grouped_by_severity_with_the_law_and_the_fix() {
        let f = |severity, rule, message: &str| Finding {
            severity,
            rule,
            message: message.into(),
            citation: "UK GDPR Art 28(3)".into(),
            object_type: "processor".into(),
            object_id: "p1".into(),
            fix: "Sign a contract.".into(),
        };
        let text = words(
            &[
                f(Severity::Error, Rule::ProcessorWithoutContract, "“Payroll bureau” has no contract."),
                f(Severity::Warning, Rule::PolicyReviewOverdue, "A policy is overdue."),
            ],
            "7 December 2026",
        );
        assert!(text.starts_with("Compliance check of 7 December 2026: 1 error, 1 warning\n"), "{text}");
        let errors = text.find("\nErrors\n").unwrap();
        let warnings = text.find("\nWarnings\n").unwrap();
        assert!(errors < text.find("[processor_without_contract]").unwrap());
        assert!(warnings > text.find("Fix: Sign a contract.").unwrap());
        assert!(words(&[], "7 December 2026").contains("0 errors, 0 warnings\nNothing to put right"));
    }
}
