//! The audit anchor: once a day Steward checks its audit log and emails the number of
//! entries and the head hash to an address kept in the settings, so that a record of
//! the log lives outside the server (OWASP ASVS 5.0 16.4.3: logs sent to a logically
//! separate system). Anyone holding such an email can later run
//! `steward audit verify --expect-entries N --expect-head HASH` to show that nothing up
//! to that entry was removed or rewritten, even by someone holding the master key.
//!
//! The email carries the organisation's name, the date, the count, the hash and the
//! result of the check: never personal data.

use crate::job_catalogue::JobReport;
use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::{CoreError, FieldError, Permission};
use steward_store::VerifyReport;

pub use crate::job_catalogue::AUDIT_ANCHOR;

/// Setting key: the address the daily anchor is sent to (blank or absent: not sent).
pub const ANCHOR_EMAIL: &str = "audit_anchor_email";

/// Check an anchor address as a form sends it: blank clears it, otherwise it must be an
/// email address (normalised to lower case). The problem is named `audit_anchor_email`
/// without repeating the value.
pub fn check_anchor_email(email: &str) -> Result<Option<String>, FieldError> {
    let email = email.trim();
    if email.is_empty() {
        return Ok(None);
    }
    match steward_core::normalise::email(ANCHOR_EMAIL, email) {
        Ok(e) => Ok(Some(e)),
        Err(CoreError::Invalid(f)) => Err(f),
        Err(_) => Err(FieldError::new(ANCHOR_EMAIL, "is not an email address (expected name@example.org)")),
    }
}

/// The anchor email's subject and body for `org` on `today`, from a check of the chain.
pub fn anchor_message(org: &str, today: Date, report: &VerifyReport) -> (String, String) {
    let org_label = if org.is_empty() { "your organisation".to_string() } else { org.to_string() };
    let day = today.strftime("%-d %B %Y").to_string();
    let subject = format!("Steward audit log record for {org_label}, {day}");
    let mut body = format!(
        "This is the daily record of the Steward audit log of {org_label}.\n\
         It is sent so that a copy is kept away from the server. Keep this email.\n\n\
         Organisation: {org_label}\n\
         Date: {day}\n\
         Entries: {}\n\
         Head hash: {}\n\n",
        report.entries, report.head_hash
    );
    match &report.problem {
        None => body.push_str(&format!(
            "The log was checked before this email was sent: all {} entries are intact.\n\n",
            report.entries
        )),
        Some(p) => body.push_str(&format!(
            "WARNING: the log was checked before this email was sent and it is NOT intact.\n\
             The first problem is at entry {}: {}.\n\
             Tell your data protection officer now.\n\n",
            p.seq, p.message
        )),
    }
    body.push_str(&format!(
        "To check later that no entry up to this one has been removed or changed, run on\n\
         the server (with its data directory):\n\n\
         \x20   steward audit verify --expect-entries {} --expect-head \\\n\
         \x20     {}\n\n\
         It fails if the log has fewer entries than this now, or if entry {}\n\
         no longer has this hash.\n",
        report.entries, report.head_hash, report.entries
    ));
    (subject, body)
}

impl App {
    /// The address the daily audit record is sent to, if any (administrators).
    pub fn audit_anchor_email(&self, ctx: &Context) -> AppResult<Option<String>> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Settings, "audit")?;
        self.anchor_email_unchecked()
    }

    fn anchor_email_unchecked(&self) -> AppResult<Option<String>> {
        Ok(self.store.setting(ANCHOR_EMAIL)?.filter(|e| !e.trim().is_empty()))
    }

    /// Set (or, blank, clear) the address the daily audit record is sent to, checked by
    /// [`check_anchor_email`]. Audited with the field's name only.
    pub fn set_audit_anchor_email(&self, ctx: &Context, email: &str) -> AppResult<()> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Settings, "audit")?;
        let email = check_anchor_email(email).map_err(AppError::Invalid)?;
        let ev = self.event(ctx, Action::SettingsUpdate, "audit", Outcome::Success, format!("fields={ANCHOR_EMAIL}"));
        self.store.put_settings(&[(ANCHOR_EMAIL, email.as_deref().unwrap_or(""))], Some(&ev))?;
        Ok(())
    }

    /// Whether the anchor job has what it needs: email set up and an address to send to.
    pub(crate) fn audit_anchor_ready(&self) -> AppResult<bool> {
        Ok(self.mail_settings_unchecked()?.configured() && self.anchor_email_unchecked()?.is_some())
    }

    /// Check the chain and email its count and head hash to the anchor address. A chain
    /// that does not verify is still reported (the email says so, loudly): the run
    /// succeeds, so that it is not retried and sent again within the day.
    pub(crate) fn run_audit_anchor(&self, today: Date) -> AppResult<JobReport> {
        let Some(to) = self.anchor_email_unchecked()? else {
            return Err(AppError::Mail(
                "no address is set for the audit log's daily record: an administrator can set one under Settings"
                    .into(),
            ));
        };
        let Some(mailer) = self.mailer()? else {
            return Err(AppError::Mail(
                "email is not set up: an administrator can set it up under Settings, Email and reminders".into(),
            ));
        };
        let report = self.store.verify_audit()?;
        if let Some(p) = &report.problem {
            tracing::warn!(first_problem = p.seq, "the audit log does not verify; the daily record says so");
        }
        let org = self.org_settings()?.org_name;
        let (subject, body) = anchor_message(&org, today, &report);
        mailer.send(&to, &subject, body)?;
        Ok(JobReport {
            counts: vec![
                ("entries".into(), report.entries),
                ("intact".into(), i64::from(report.problem.is_none())),
                ("emails".into(), 1),
            ],
            problem: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_store::{ProblemKind, VerifyProblem};

    fn report(problem: Option<VerifyProblem>) -> VerifyReport {
        VerifyReport {
            entries: 1234,
            head_hash: "ab".repeat(32),
            problem,
            legacy_entries: 0,
            keyed: true,
            kept_head_seq: None,
        }
    }

    #[test]
    fn the_message_names_the_organisation_date_count_hash_and_the_check() {
        let (subject, body) = anchor_message("Riverside Housing", jiff::civil::date(2026, 11, 23), &report(None));
        assert_eq!(subject, "Steward audit log record for Riverside Housing, 23 November 2026");
        assert!(body.contains("Organisation: Riverside Housing\nDate: 23 November 2026\nEntries: 1234\n"));
        assert!(body.contains(&format!("Head hash: {}\n", "ab".repeat(32))));
        assert!(body.contains("all 1234 entries are intact"));
        let command =
            format!("steward audit verify --expect-entries 1234 --expect-head \\\n      {}\n", "ab".repeat(32));
        assert!(body.contains(&command), "{body}");
        assert!(body.lines().all(|l| l.len() <= 80), "short lines: {body}");
    }

    #[test]
    fn a_broken_chain_is_reported_in_the_message() {
        let p = VerifyProblem { seq: 42, message: "entry 42 was altered".into(), kind: ProblemKind::Chain };
        let (_, body) = anchor_message("", jiff::civil::date(2026, 11, 23), &report(Some(p)));
        assert!(body.contains("NOT intact"));
        assert!(body.contains("The first problem is at entry 42: entry 42 was altered."));
        assert!(body.contains("Steward audit log of your organisation"));
    }

    #[test]
    fn anchor_addresses_are_checked_without_echoing_them() {
        assert_eq!(check_anchor_email("  Auditor@Example.ORG "), Ok(Some("auditor@example.org".into())));
        assert_eq!(check_anchor_email("  "), Ok(None));
        let e = check_anchor_email("not-an-address").expect_err("invalid");
        assert_eq!(e.field, ANCHOR_EMAIL);
        assert!(!e.message.contains("not-an-address"));
    }
}
