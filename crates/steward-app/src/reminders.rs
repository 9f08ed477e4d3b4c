//! The reminders job: one email per person per day listing their open requests that
//! are a reminder's number of days from due, due today or overdue, and for each DPO a
//! digest of unassigned and overdue requests in the same email. Emails carry references, kinds, dates and
//! links only: never a subject's name or any free text.

use crate::job_catalogue::JobReport;
use crate::mail::Mailer;
use crate::{App, AppError, AppResult};
use jiff::civil::Date;
use steward_core::Role;
use steward_store::{ReminderSendRow, RequestRow, UserRow};

/// A run stops after this many emails in a row could not be sent.
const MAX_FAILURES_IN_A_ROW: usize = 3;

/// At most this many requests are listed in each part of an email; the rest are counted.
pub const MAX_LINES: usize = 100;

/// The daily email (a person's own list, and for a DPO the digest, in one message).
pub const KIND_DAILY: &str = "daily";

/// Whether a request is still being worked (not answered or closed).
pub fn is_open(q: &RequestRow) -> bool {
    !matches!(q.status.as_str(), "responded" | "closed")
}

/// Days from `today` to the request's due date (negative when overdue).
fn days_left(q: &RequestRow, today: Date) -> Option<i64> {
    let due: Date = q.due_on.parse().ok()?;
    Some(i64::from((due - today).get_days()))
}

/// How a request reads in an email: reference, kind, due date, days left, link.
fn line(q: &RequestRow, today: Date, base_url: &str) -> String {
    let left = days_left(q, today).unwrap_or(0);
    let when = match left {
        0 => "due today".to_string(),
        1 => "1 day left".to_string(),
        n if n > 1 => format!("{n} days left"),
        -1 => "OVERDUE by 1 day".to_string(),
        n => format!("OVERDUE by {} days", -n),
    };
    let due = q.due_on.parse::<Date>().map_or(q.due_on.clone(), |d| d.strftime("%-d %B %Y").to_string());
    // Short lines, so that the message stays plain 7-bit text for most base addresses.
    format!(
        "{} ({} request)\n  due {due}, {when}\n  {base_url}/requests/{}\n\n",
        q.reference,
        q.kind.replace('_', " "),
        q.id
    )
}

fn active(u: &UserRow) -> bool {
    u.disabled_at.is_none() && u.password_hash.is_some()
}

impl App {
    /// Send the day's reminders (see the module notes). Reminders already sent to a user
    /// for `today` are not sent again; a failed send is retried by a later run.
    pub(crate) fn run_reminders(&self, today: Date) -> AppResult<JobReport> {
        let settings = self.mail_settings_unchecked()?;
        let Some(mailer) = self.mailer()? else {
            return Err(AppError::Mail(
                "email is not set up: an administrator can set it up under Settings, Email and reminders".into(),
            ));
        };
        let open: Vec<RequestRow> = self.store.open_requests()?.into_iter().filter(is_open).collect();
        let users = self.store.users()?;
        let base = settings.base_url.as_str();
        let (mut emails, mut listed, mut already, mut failed) = (0i64, 0i64, 0i64, 0i64);
        let mut problem: Option<String> = None;
        let mut failed_in_a_row = 0;
        let org = self.org_settings()?.org_name;
        for u in users.iter().filter(|u| active(u)) {
            let mine: Vec<&RequestRow> = open
                .iter()
                .filter(|q| q.assigned_to.as_deref() == Some(u.id.as_str()))
                .filter(|q| days_left(q, today).is_some_and(|d| d <= 0 || settings.reminder_days.contains(&d)))
                .collect();
            // A DPO's digest: unassigned and overdue requests not already in their own list.
            let digest: Vec<&RequestRow> = if u.role == Role::Dpo.as_str() {
                open.iter()
                    .filter(|q| q.assigned_to.as_deref() != Some(u.id.as_str()))
                    .filter(|q| q.assigned_to.is_none() || days_left(q, today).is_some_and(|d| d < 0))
                    .collect()
            } else {
                Vec::new()
            };
            if mine.is_empty() && digest.is_empty() {
                continue;
            }
            if self.store.reminder_sent(&u.id, &today.to_string(), KIND_DAILY)? {
                already += 1;
                continue;
            }
            match self.send_reminder(&mailer, u, &mine, &digest, today, base, &org) {
                Ok(n) => {
                    emails += 1;
                    listed += n;
                    failed_in_a_row = 0;
                }
                Err(e) => {
                    failed += 1;
                    failed_in_a_row += 1;
                    problem.get_or_insert_with(|| e.to_string());
                    // The mail server is down or refusing: stop rather than wait on each
                    // person in turn (the next run sends what is left).
                    if failed_in_a_row >= MAX_FAILURES_IN_A_ROW {
                        break;
                    }
                }
            }
        }
        let problem = problem.map(|p| format!("{failed} email(s) could not be sent: {p}"));
        Ok(JobReport {
            counts: vec![
                ("emails".into(), emails),
                ("requests".into(), listed),
                ("already_sent".into(), already),
                ("failed".into(), failed),
            ],
            problem,
        })
    }

    /// Send one user's email with their own list and (for a DPO) the digest; returns
    /// how many requests it listed.
    #[allow(clippy::too_many_arguments)]
    fn send_reminder(
        &self,
        mailer: &Mailer,
        u: &UserRow,
        mine: &[&RequestRow],
        digest: &[&RequestRow],
        today: Date,
        base: &str,
        org: &str,
    ) -> AppResult<i64> {
        let n = mine.len() + digest.len();
        let plural = if n == 1 { "request" } else { "requests" };
        let subject = match (mine.is_empty(), digest.is_empty()) {
            (false, true) => format!("Steward: {n} of your {plural} due soon or overdue"),
            (true, false) => format!("Steward: {n} {plural} unassigned or overdue"),
            _ => format!("Steward: {n} {plural} need attention"),
        };
        let mut body = String::from("Hello,\n\n");
        let mut section = |intro: &str, items: &[&RequestRow]| {
            if items.is_empty() {
                return;
            }
            body.push_str(intro);
            for q in items.iter().take(MAX_LINES) {
                body.push_str(&line(q, today, base));
            }
            if items.len() > MAX_LINES {
                body.push_str(&format!("...and {} more: see {base}/requests\n\n", items.len() - MAX_LINES));
            }
        };
        section("These rights requests assigned to you need attention:\n\n", mine);
        section("These rights requests have nobody assigned to them or are past their due date:\n\n", digest);
        body.push_str(&format!(
            "Sent by Steward{} on {}. You get at most one such email a day.\n",
            if org.is_empty() { String::new() } else { format!(" for {org}") },
            today.strftime("%-d %B %Y")
        ));
        mailer.send(&u.email, &subject, body)?;
        let row = ReminderSendRow {
            user_id: u.id.clone(),
            sent_on: today.to_string(),
            kind: KIND_DAILY.into(),
            sent_at: self.now_text(),
            requests: i64::try_from(n).unwrap_or(i64::MAX),
        };
        self.store.record_reminder(&row)?;
        Ok(row.requests)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(due: &str, status: &str) -> RequestRow {
        RequestRow {
            id: "0193-id".into(),
            reference: "REQ-2026-000123".into(),
            kind: "objection_direct_marketing".into(),
            subject_id: Some("subject-id".into()),
            made_by: "subject".into(),
            channel: "email".into(),
            region: "england-and-wales".into(),
            received_on: "2026-11-01".into(),
            status: status.into(),
            statutory_due_on: due.into(),
            policy_due_on: due.into(),
            due_on: due.into(),
            created_at: String::new(),
            updated_at: String::new(),
            assigned_to: None,
            representative: None,
        }
    }

    #[test]
    fn lines_say_reference_kind_date_days_and_link_only() {
        let today = jiff::civil::date(2026, 11, 23);
        let l = line(&row("2026-11-30", "open"), today, "https://steward.example.org");
        assert_eq!(
            l,
            "REQ-2026-000123 (objection direct marketing request)\n  due 30 November 2026, 7 days left\n  https://steward.example.org/requests/0193-id\n\n"
        );
        assert!(line(&row("2026-11-23", "open"), today, "").contains("due today"));
        assert!(line(&row("2026-11-24", "open"), today, "").contains("1 day left"));
        assert!(line(&row("2026-11-22", "open"), today, "").contains("OVERDUE by 1 day\n"));
        assert!(line(&row("2026-11-13", "open"), today, "").contains("OVERDUE by 10 days"));
        assert!(!l.contains("subject-id"));
        assert!(is_open(&row("2026-11-30", "extended")) && !is_open(&row("2026-11-30", "responded")));
    }
}
