//! The compliance page at `/compliance`: the check run over the registers as they stand
//! today, its findings in words, errors first, each with what is wrong, the law, what to
//! do, and a link to the entry to put right. Opening the page runs the check (audited).

use crate::session::SignedIn;
use crate::state::AppState;
use crate::ui::kit::{PageContext, long_date, page, render, run};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use steward_core::compliance::{Finding, Rule, Severity, object};
use steward_core::register::entry::RegisterKind;

/// `GET /compliance`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/compliance", get(show))
}

/// One finding as the page shows it.
pub struct FindingLine {
    /// What is wrong.
    pub message: String,
    /// The law.
    pub citation: String,
    /// What to do.
    pub fix: String,
    /// Where to put it right (href, link text), if there is a page for it.
    pub link: Option<(String, String)>,
}

/// The findings of one rule.
pub struct RuleGroup {
    /// The rule in words.
    pub heading: &'static str,
    /// Its findings.
    pub findings: Vec<FindingLine>,
}

/// The findings of one severity, by rule.
pub struct SeverityGroup {
    /// "Errors" or "Warnings".
    pub heading: &'static str,
    /// What the severity means.
    pub explanation: &'static str,
    /// Whether these are errors (for the tag's colour).
    pub error: bool,
    /// How many findings.
    pub count: usize,
    /// The findings, by rule.
    pub rules: Vec<RuleGroup>,
}

#[derive(Template)]
#[template(path = "pages/compliance.html")]
struct CompliancePage {
    page: PageContext,
    today: String,
    errors: usize,
    warnings: usize,
    groups: Vec<SeverityGroup>,
}

/// Where a finding is put right, in words.
pub fn finding_link(f: &Finding) -> Option<(String, String)> {
    if let Some(kind) = RegisterKind::parse(&f.object_type) {
        return Some((format!("/{}/{}", kind.path(), f.object_id), format!("Open the {}", kind.noun())));
    }
    match f.object_type.as_str() {
        object::USER => Some(("/training".into(), "Open the training register".into())),
        object::SUBJECT_CATEGORY => Some(("/activities".into(), "Open the record of processing".into())),
        _ => None,
    }
}

/// The findings grouped by severity, then by rule, in the check's order.
pub fn grouped(findings: &[Finding]) -> Vec<SeverityGroup> {
    let mut out = Vec::new();
    for (severity, heading, explanation) in [
        (Severity::Error, "Errors", "The processing may be unlawful as it stands: put these right first."),
        (
            Severity::Warning,
            "Warnings",
            "Gaps in the record, and reviews or renewals falling due: put these right to show you comply.",
        ),
    ] {
        let of: Vec<&Finding> = findings.iter().filter(|f| f.severity == severity).collect();
        if of.is_empty() {
            continue;
        }
        let mut rules: Vec<RuleGroup> = Vec::new();
        for rule in Rule::ALL {
            let lines: Vec<FindingLine> = of
                .iter()
                .filter(|f| f.rule == rule)
                .map(|f| FindingLine {
                    message: f.message.clone(),
                    citation: f.citation.clone(),
                    fix: f.fix.clone(),
                    link: finding_link(f),
                })
                .collect();
            if !lines.is_empty() {
                rules.push(RuleGroup { heading: rule.label(), findings: lines });
            }
        }
        out.push(SeverityGroup { heading, explanation, error: severity == Severity::Error, count: of.len(), rules });
    }
    out
}

async fn show(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    let built = run(move || {
        let findings = app.compliance_check(&session.ctx)?;
        let (errors, warnings) = steward_core::compliance::counts(&findings);
        Ok(CompliancePage {
            page: page(&app, &session, "compliance"),
            today: long_date(app.today()),
            errors,
            warnings,
            groups: grouped(&findings),
        })
    })
    .await;
    match built {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}
