//! Calendar feeds of deadlines: each user may have one secret feed address (only its
//! hash is stored) that calendar apps fetch without signing in. The feed is an iCalendar
//! document with an all-day event per open request the user works (all open requests
//! for a DPO) on its due date, and the last day to extend where that differs. Events
//! carry references, kinds and links only, never personal data.

use crate::reminders::is_open;
use crate::{App, AppError, AppResult, Context};
use icalendar::{Calendar, Component, Event, EventLike};
use steward_core::Role;
use steward_core::audit::{Action, Outcome};
use steward_store::{CalendarFeedRow, RequestRow};

/// Prefix of calendar feed secrets.
pub const FEED_PREFIX: &str = "cal_";

fn user_of(ctx: &Context) -> AppResult<&str> {
    ctx.actor.strip_prefix("user:").ok_or_else(|| {
        AppError::Invalid(steward_core::FieldError::new("calendar", "only people signed in have a calendar feed"))
    })
}

fn naive(d: &str) -> Option<chrono::NaiveDate> {
    let d: jiff::civil::Date = d.parse().ok()?;
    chrono::NaiveDate::from_ymd_opt(i32::from(d.year()), u32::try_from(d.month()).ok()?, u32::try_from(d.day()).ok()?)
}

/// The iCalendar document for `requests`, with links under `base_url`.
pub fn feed_document(requests: &[RequestRow], base_url: &str) -> String {
    let mut cal = Calendar::new();
    cal.name("Steward deadlines");
    for q in requests {
        let kind = q.kind.replace('_', " ");
        let link = format!("{base_url}/requests/{}", q.id);
        if let Some(due) = naive(&q.due_on) {
            cal.push(
                Event::new()
                    .uid(&format!("{}-due@steward", q.id))
                    .summary(&format!("{} {kind} request due", q.reference))
                    .description(&format!("Open in Steward: {link}"))
                    .url(&link)
                    .all_day(due)
                    .done(),
            );
        }
        // The un-extended statutory date is the last day to tell the requester of an
        // extension (Art 12(3)); worth its own event when the policy date comes first.
        let extendable = q.kind != "complaint" && q.status != "extended" && q.statutory_due_on != q.due_on;
        if extendable && let Some(by) = naive(&q.statutory_due_on) {
            cal.push(
                Event::new()
                    .uid(&format!("{}-extension@steward", q.id))
                    .summary(&format!("{} last day to extend (statutory date)", q.reference))
                    .description(&format!("The statutory due date; an extension must be told by then. {link}"))
                    .url(&link)
                    .all_day(by)
                    .done(),
            );
        }
    }
    cal.done().to_string()
}

impl App {
    /// Create (or replace) the signed-in user's calendar feed; returns its secret, which
    /// is stored only as a hash and cannot be shown again.
    pub fn create_calendar_feed(&self, ctx: &Context) -> AppResult<String> {
        let user = user_of(ctx)?;
        let token = steward_crypto::new_token()?;
        let secret = format!("{FEED_PREFIX}{}", token.strip_prefix(steward_crypto::TOKEN_PREFIX).unwrap_or(&token));
        let row = CalendarFeedRow {
            user_id: user.into(),
            token_hash: steward_crypto::token_hash(&secret),
            created_at: self.now_text(),
        };
        self.store.put_calendar_feed(&row, &self.event(ctx, Action::CalendarFeedCreate, user, Outcome::Success, ""))?;
        Ok(secret)
    }

    /// Remove the signed-in user's calendar feed; returns whether there was one.
    pub fn revoke_calendar_feed(&self, ctx: &Context) -> AppResult<bool> {
        let user = user_of(ctx)?;
        Ok(self
            .store
            .delete_calendar_feed(user, &self.event(ctx, Action::CalendarFeedRevoke, user, Outcome::Success, ""))?)
    }

    /// When the signed-in user's calendar feed was made, if they have one.
    pub fn calendar_feed_created(&self, ctx: &Context) -> AppResult<Option<String>> {
        let user = user_of(ctx)?;
        Ok(self.store.calendar_feed_of(user)?.map(|f| f.created_at))
    }

    /// The feed for `secret`, or `None` for an unknown or revoked secret or a disabled
    /// account. Each fetch is audited as `calendar.feed` with the user's id only.
    pub fn calendar_feed(&self, secret: &str, request_id: &str) -> AppResult<Option<String>> {
        if !secret.starts_with(FEED_PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        let Some(feed) = self.store.calendar_feed_by_hash(&steward_crypto::token_hash(secret))? else {
            return Ok(None);
        };
        let Some(user) = self.store.user(&feed.user_id)? else { return Ok(None) };
        if user.disabled_at.is_some() {
            return Ok(None);
        }
        let role: Role = user.role.parse()?;
        let ctx = Context::new(format!("user:{}", user.id), role, request_id);
        let all = self.store.open_requests()?;
        let mine: Vec<RequestRow> = all
            .into_iter()
            .filter(is_open)
            .filter(|q| role == Role::Dpo || q.assigned_to.as_deref() == Some(user.id.as_str()))
            .collect();
        let base = self.mail_settings_unchecked()?.base_url;
        self.store.audit(&self.event(
            &ctx,
            Action::CalendarFeed,
            &user.id,
            Outcome::Success,
            format!("events={}", mine.len()),
        ))?;
        Ok(Some(feed_document(&mine, &base)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, status: &str, statutory: &str, due: &str) -> RequestRow {
        RequestRow {
            id: "0193-id".into(),
            reference: "REQ-2026-000123".into(),
            kind: kind.into(),
            subject_id: Some("subject-id".into()),
            made_by: "subject".into(),
            channel: "email".into(),
            region: "england-and-wales".into(),
            received_on: "2026-11-01".into(),
            status: status.into(),
            statutory_due_on: statutory.into(),
            policy_due_on: due.into(),
            due_on: due.into(),
            created_at: String::new(),
            updated_at: String::new(),
            assigned_to: None,
            representative: None,
        }
    }

    #[test]
    fn an_all_day_event_on_the_due_date_and_one_on_the_last_day_to_extend() {
        let ics = feed_document(&[row("access", "open", "2026-12-01", "2026-11-30")], "https://s.example.org");
        for expected in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "X-WR-CALNAME:Steward deadlines",
            "UID:0193-id-due@steward",
            "SUMMARY:REQ-2026-000123 access request due",
            "DTSTART;VALUE=DATE:20261130",
            "UID:0193-id-extension@steward",
            "DTSTART;VALUE=DATE:20261201",
            "URL:https://s.example.org/requests/0193-id",
        ] {
            assert!(ics.contains(expected), "{expected} in\n{ics}");
        }
        assert!(!ics.contains("subject-id"));
        // Extended, a complaint, or the statutory date itself: no second event.
        for q in [
            row("access", "extended", "2027-01-30", "2026-11-30"),
            row("complaint", "open", "2026-12-01", "2026-11-30"),
            row("access", "open", "2026-11-30", "2026-11-30"),
        ] {
            assert!(!feed_document(&[q], "").contains("extension@steward"));
        }
    }
}
