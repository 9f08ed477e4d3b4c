//! The direct-marketing suppression list. An objection to direct marketing is absolute
//! (UK GDPR Art 21(3)) and the policy promises to honour it within 72 hours, so a
//! granted objection puts the subject's email addresses and phone numbers on the list
//! at once; a DPO can also add identifiers directly. Other systems ask whether an
//! identifier they already hold is listed.
//!
//! Only keyed blind-index hashes are stored (under a tag of their own, so they never
//! match the subject index), with the day added, the request and a reason code.
//! Entries are never removed, not even by erasure: see `steward_store::suppression`.

use crate::{App, AppError, AppResult, Context};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::{FieldError, Permission, normalise};
use steward_store::{SubjectLookup, SuppressionRow};
use utoipa::{IntoParams, ToSchema};

/// Reasons an identifier may be suppressed for: fixed codes, so entries never hold free text.
pub const SUPPRESSION_REASONS: [(&str, &str); 5] = [
    ("objection_granted", "Objection to direct marketing granted (UK GDPR Art 21(3))"),
    ("objection_received", "Objection to direct marketing received directly (phone, letter, in person)"),
    ("unsubscribed", "Unsubscribed from marketing"),
    (
        "erased",
        "Erased at their request; kept as a keyed hash so marketing never resumes (ICO: suppression after erasure)",
    ),
    ("other", "Other reason not to market"),
];

/// Identifiers to add to the list directly.
#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSuppression {
    /// Email addresses.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Phone numbers in any UK format.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Reason code: `objection_received`, `objection_granted`, `unsubscribed` or `other`.
    pub reason: String,
}

impl std::fmt::Debug for NewSuppression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewSuppression { .. redacted .. }")
    }
}

/// What an addition did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SuppressionAdded {
    /// Identifiers given (after removing duplicates).
    pub identifiers: u64,
    /// How many were not listed before.
    pub added: u64,
}

/// One identifier to check: exactly one of the two.
#[derive(Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SuppressionQuery {
    /// Email address.
    pub email: Option<String>,
    /// Phone number in any UK format.
    pub phone: Option<String>,
}

impl std::fmt::Debug for SuppressionQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SuppressionQuery { .. redacted .. }")
    }
}

/// Whether an identifier is suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SuppressionStatus {
    /// Whether marketing to it is forbidden.
    pub suppressed: bool,
    /// The day it was added (`YYYY-MM-DD`), when suppressed.
    pub since: Option<String>,
}

fn check_reason(reason: &str) -> AppResult<()> {
    if SUPPRESSION_REASONS.iter().any(|(code, _)| *code == reason) {
        Ok(())
    } else {
        Err(AppError::Invalid(FieldError::new(
            "reason",
            "is not a known reason (objection_granted, erased, objection_received, unsubscribed, other)",
        )))
    }
}

/// Blind-index tag of a suppression entry of `kind` (`email` or `phone`).
fn tag(kind: &str) -> String {
    format!("suppression {kind}")
}

impl App {
    fn suppression_rows(
        &self,
        emails: &BTreeSet<String>,
        phones: &BTreeSet<String>,
        request_id: Option<&str>,
        reason: &str,
    ) -> Vec<SuppressionRow> {
        let added_on = self.today().to_string();
        let kinds = emails.iter().map(|e| ("email", e)).chain(phones.iter().map(|p| ("phone", p)));
        kinds
            .map(|(kind, term)| SuppressionRow {
                hash: self.keys.blind_index(&tag(kind), term).to_vec(),
                kind: kind.into(),
                added_on: added_on.clone(),
                request_id: request_id.map(str::to_string),
                reason: reason.into(),
            })
            .collect()
    }

    /// The suppression rows for a subject's emails and phones (none when erased).
    pub(crate) fn subject_suppression_rows(
        &self,
        subject_id: &str,
        request_id: Option<&str>,
        reason: &str,
    ) -> AppResult<Vec<SuppressionRow>> {
        check_reason(reason)?;
        let row = match self.store.subject(subject_id)? {
            SubjectLookup::Found(r) => r,
            SubjectLookup::Erased(_) => return Ok(Vec::new()),
            SubjectLookup::NotFound => return Err(AppError::NotFound(format!("subject {subject_id}"))),
        };
        let p = self.open_row(&row)?;
        let emails = p.emails.into_iter().collect();
        let phones = p.phones.into_iter().collect();
        Ok(self.suppression_rows(&emails, &phones, request_id, reason))
    }

    /// Put every email address and phone number of `subject_id` on the suppression list
    /// (DPO only; granted objections do this on their own). Audited with ids only.
    pub fn suppress_subject_contacts(
        &self,
        ctx: &Context,
        subject_id: &str,
        request_id: Option<&str>,
        reason: &str,
    ) -> AppResult<SuppressionAdded> {
        self.require(ctx, Permission::ManageSuppression, ObjectType::Subject, subject_id)?;
        self.load(subject_id)?;
        let rows = self.subject_suppression_rows(subject_id, request_id, reason)?;
        let detail = format!("reason={reason} request={} identifiers={}", request_id.unwrap_or("-"), rows.len());
        let ev = self.event(ctx, Action::SuppressionAdd, subject_id, Outcome::Success, detail);
        let added = self.store.add_suppressions(&rows, &ev)?;
        Ok(SuppressionAdded { identifiers: rows.len() as u64, added })
    }

    /// Add email addresses and phone numbers to the suppression list directly (DPO only).
    pub fn suppress_identifiers(
        &self,
        ctx: &Context,
        emails: &[String],
        phones: &[String],
        reason: &str,
    ) -> AppResult<SuppressionAdded> {
        self.require(ctx, Permission::ManageSuppression, ObjectType::Suppression, "")?;
        check_reason(reason)?;
        if emails.is_empty() && phones.is_empty() {
            return Err(AppError::Invalid(FieldError::new(
                "emails",
                "give at least one email address or phone number",
            )));
        }
        let emails = emails
            .iter()
            .enumerate()
            .map(|(i, e)| normalise::email(&format!("emails[{i}]"), e))
            .collect::<Result<BTreeSet<_>, _>>()?;
        let phones = phones
            .iter()
            .enumerate()
            .map(|(i, p)| normalise::phone(&format!("phones[{i}]"), p))
            .collect::<Result<BTreeSet<_>, _>>()?;
        let rows = self.suppression_rows(&emails, &phones, None, reason);
        let detail = format!("reason={reason} emails={} phones={}", emails.len(), phones.len());
        let ev = self.event_on(ctx, Action::SuppressionAdd, ObjectType::Suppression, "", Outcome::Success, detail);
        let added = self.store.add_suppressions(&rows, &ev)?;
        Ok(SuppressionAdded { identifiers: rows.len() as u64, added })
    }

    /// Whether one email address or phone number (any UK format) is suppressed, and since when.
    pub fn is_suppressed(&self, ctx: &Context, q: &SuppressionQuery) -> AppResult<SuppressionStatus> {
        self.require(ctx, Permission::CheckSuppression, ObjectType::Suppression, "")?;
        let (kind, term) = match (q.email.as_deref(), q.phone.as_deref()) {
            (Some(e), None) => ("email", normalise::email("email", e)?),
            (None, Some(p)) => ("phone", normalise::phone("phone", p)?),
            _ => return Err(AppError::Invalid(FieldError::new("email", "give exactly one of email or phone"))),
        };
        let found = self.store.suppression(&self.keys.blind_index(&tag(kind), &term))?;
        Ok(SuppressionStatus { suppressed: found.is_some(), since: found.map(|r| r.added_on) })
    }
}
