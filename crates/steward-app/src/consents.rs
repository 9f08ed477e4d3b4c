//! The consent ledger and the privacy notices each person received: recording a consent
//! against a consent purpose of the record of processing (its evidence and wording sealed
//! under the person's own data key, so erasing them destroys it), listing and reading a
//! person's consents (every view audited), withdrawing one in one action and saying in the
//! same answer what processing stops, recording that a person received a privacy notice
//! version, and the privacy notice currently in effect for the public page.
//!
//! Changes need `SubjectUpdate` and reads `SubjectRead`, both under the caseworker's need
//! to know (UK GDPR Art 5(1)(c), 5(1)(f), Art 32(4)), as for the rest of a person's file.
//! Audit entries carry ids, counts and method codes, never the evidence.
//!
//! Sources: UK GDPR Art 4(11), Art 6(1)(a), Art 7(1) and 7(3), Art 13, Art 14, Art 5(2);
//! ICO guidance "Consent" and "The right to be informed" (see `steward_core::consent`).

use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::consent::{
    ConsentMethod, HeldConsent, NewConsent, NewNoticeReceipt, NoticeMethod, StoppedProcessing, Withdrawal,
    consent_purposes, renewal_overdue, stopped_by,
};
use steward_core::register::activity::Activity;
use steward_core::register::entry::{Entry, RegisterKind};
use steward_core::register::notice::Notice;
use steward_core::{FieldError, Permission};
use steward_crypto::DataKey;
use steward_store::{ConsentRenewal, ConsentRow, NoticeReceiptRow, StoreError, WithdrawalRow};
use utoipa::ToSchema;

/// A consent as shown to someone allowed to see the person's file.
#[derive(Clone, Serialize, ToSchema)]
pub struct ConsentView {
    /// Id.
    pub id: String,
    /// The person who consented.
    pub subject_id: String,
    /// The processing activity it was recorded for.
    pub activity_id: String,
    /// The activity's name on the record of processing.
    pub activity_name: String,
    /// The consent purpose agreed to.
    pub purpose: String,
    /// When given.
    #[schema(value_type = String, format = Date)]
    pub given_on: Date,
    /// How given.
    pub method: ConsentMethod,
    /// The evidence of the person's positive act.
    pub evidence: String,
    /// The words they agreed to.
    pub wording: String,
    /// The privacy notice version shown, if recorded.
    pub notice_id: Option<String>,
    /// That notice, in words ("Privacy notice for tenants, version 3.1").
    pub notice: Option<String>,
    /// When to ask again, if the organisation renews consent.
    #[schema(value_type = Option<String>, format = Date)]
    pub renew_on: Option<Date>,
    /// Whether the renewal date has passed and the consent still stands.
    pub renewal_overdue: bool,
    /// Whether it has been withdrawn.
    pub withdrawn: bool,
    /// When withdrawn.
    #[schema(value_type = Option<String>, format = Date)]
    pub withdrawn_on: Option<Date>,
    /// How withdrawn.
    pub withdrawal_method: Option<ConsentMethod>,
    /// For a withdrawn consent: the processing that stopped with it (every purpose of the
    /// activities in use that relied on it, unless another consent of the person covers
    /// that activity).
    pub stopped: Vec<StoppedProcessing>,
    /// When recorded (RFC 3339).
    pub created_at: String,
    /// Who recorded it.
    pub created_by: String,
}

impl std::fmt::Debug for ConsentView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentView").field("id", &self.id).finish_non_exhaustive()
    }
}

/// The answer to a withdrawal: the consent as it now stands and, in the same answer, what
/// stops as a result (UK GDPR Art 7(3)).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WithdrawnConsent {
    /// The consent, withdrawn.
    pub consent: ConsentView,
    /// Every activity purpose that relied on it and stops: `activity_id` and `purpose`
    /// (with the activity's name and the consent purpose).
    pub stopped: Vec<StoppedProcessing>,
}

/// A record that a person received a privacy notice version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeReceiptView {
    /// Id.
    pub id: String,
    /// The person.
    pub subject_id: String,
    /// The notice version.
    pub notice_id: String,
    /// Its title.
    pub notice_title: String,
    /// Its version label.
    pub notice_version: String,
    /// When they received it.
    #[schema(value_type = String, format = Date)]
    pub received_on: Date,
    /// How.
    pub method: NoticeMethod,
    /// When recorded (RFC 3339).
    pub created_at: String,
    /// Who recorded it.
    pub created_by: String,
}

/// An activity and its consent purposes, for the form that records a consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentChoice {
    /// The activity.
    pub activity_id: String,
    /// Its name.
    pub activity_name: String,
    /// Its consent purposes.
    pub purposes: Vec<String>,
}

/// A privacy notice version, for the forms that name one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeChoice {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its version label.
    pub version: String,
    /// When it takes effect.
    pub effective_on: Option<Date>,
}

/// The privacy notice as the public page publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublishedNotice {
    /// Its title.
    pub title: String,
    /// Its version label.
    pub version: String,
    /// Who it is for.
    pub audience: String,
    /// The day this version took effect.
    #[schema(value_type = String, format = Date)]
    pub effective_on: Date,
    /// The full text.
    pub text: String,
}

/// What is sealed of a consent.
#[derive(Serialize, Deserialize)]
struct SealedConsent {
    evidence: String,
    wording: String,
}

fn consent_aad(subject: &str, id: &str) -> Vec<u8> {
    format!("consent:{subject}:{id}").into_bytes()
}

fn corrupt(what: &str) -> AppError {
    AppError::Store(StoreError::Corrupt(format!("a stored {what}")))
}

fn date(text: &str, what: &str) -> AppResult<Date> {
    text.parse().map_err(|_| corrupt(what))
}

fn opt_date(text: Option<&str>, what: &str) -> AppResult<Option<Date>> {
    text.map(|t| date(t, what)).transpose()
}

/// A day in words: "7 December 2026".
fn in_words(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// What the views of a person's consents need from the registers: every activity and
/// notice by id (retired ones too, for names), and the activities in use.
struct Registers {
    activities: Vec<(String, Activity, bool)>,
    notices: HashMap<String, (String, String)>,
}

impl Registers {
    fn activity_name(&self, id: &str) -> String {
        self.activities
            .iter()
            .find(|(a, _, _)| a == id)
            .map_or_else(|| "an activity no longer on the record".into(), |(_, a, _)| a.name.clone())
    }

    fn notice(&self, id: &str) -> Option<String> {
        self.notices.get(id).map(|(title, version)| format!("{title}, version {version}"))
    }

    /// What stops with `withdrawn`, given the person's other consents: the activity it was
    /// recorded for first, then the others by name.
    fn stopped(&self, withdrawn: &ConsentRow, all: &[ConsentRow]) -> Vec<StoppedProcessing> {
        let mut in_use: Vec<(&str, &Activity)> =
            self.activities.iter().filter(|(_, _, retired)| !retired).map(|(id, a, _)| (id.as_str(), a)).collect();
        in_use.sort_by_key(|(id, _)| *id != withdrawn.activity_id);
        let held: Vec<HeldConsent<'_>> = all
            .iter()
            .filter(|c| c.id != withdrawn.id && c.withdrawn_on.is_none())
            .map(|c| HeldConsent { activity_id: &c.activity_id, purpose: &c.purpose })
            .collect();
        stopped_by(&withdrawn.purpose, &in_use, &held)
    }
}

impl App {
    fn registers(&self) -> AppResult<Registers> {
        let activities =
            self.entries_in_force::<Activity>(None, true)?.into_iter().map(|s| (s.id, s.entry, s.retired)).collect();
        let notices = self
            .entries_in_force::<Notice>(None, true)?
            .into_iter()
            .map(|s| (s.id, (s.entry.title, s.entry.version_label)))
            .collect();
        Ok(Registers { activities, notices })
    }

    /// The activity `id` names, if it is on the record of processing and in use.
    fn activity_in_use(&self, id: &str) -> AppResult<Option<Activity>> {
        let Some(row) = self.store.entry(RegisterKind::Activity.as_str(), id.trim())? else { return Ok(None) };
        if row.retired {
            return Ok(None);
        }
        serde_json::from_str(&row.body).map(Some).map_err(|_| corrupt("processing activity"))
    }

    /// The notice version `id` names (retired ones too: a person may have been shown an
    /// older version), if any.
    fn notice_named(&self, id: &str) -> AppResult<Option<Notice>> {
        let Some(row) = self.store.entry(RegisterKind::Notice.as_str(), id.trim())? else { return Ok(None) };
        serde_json::from_str(&row.body).map(Some).map_err(|_| corrupt("privacy notice"))
    }

    fn view_consent(
        &self,
        key: &DataKey,
        row: &ConsentRow,
        all: &[ConsentRow],
        registers: &Registers,
    ) -> AppResult<ConsentView> {
        let plain = key.open(&consent_aad(&row.subject_id, &row.id), &row.data)?;
        let sealed: SealedConsent = serde_json::from_slice(&plain).map_err(|_| AppError::Undecryptable)?;
        let method = ConsentMethod::parse(&row.method).ok_or_else(|| corrupt("consent method"))?;
        let withdrawal_method = match row.withdrawn_method.as_deref() {
            Some(m) => Some(ConsentMethod::parse(m).ok_or_else(|| corrupt("consent method"))?),
            None => None,
        };
        let renew_on = opt_date(row.renew_on.as_deref(), "consent date")?;
        let withdrawn_on = opt_date(row.withdrawn_on.as_deref(), "consent date")?;
        let withdrawn = withdrawn_on.is_some();
        Ok(ConsentView {
            id: row.id.clone(),
            subject_id: row.subject_id.clone(),
            activity_id: row.activity_id.clone(),
            activity_name: registers.activity_name(&row.activity_id),
            purpose: row.purpose.clone(),
            given_on: date(&row.given_on, "consent date")?,
            method,
            evidence: sealed.evidence,
            wording: sealed.wording,
            notice: row.notice_id.as_deref().and_then(|n| registers.notice(n)),
            notice_id: row.notice_id.clone(),
            renew_on,
            renewal_overdue: renewal_overdue(self.today(), renew_on, withdrawn),
            withdrawn,
            withdrawn_on,
            withdrawal_method,
            stopped: if withdrawn { registers.stopped(row, all) } else { Vec::new() },
            created_at: row.created_at.clone(),
            created_by: row.created_by.clone(),
        })
    }

    /// The subject's opened data key after the permission and need-to-know checks, an
    /// unknown person named in a body answered as a problem with `subject_id`.
    fn consent_subject_key(&self, ctx: &Context, p: Permission, subject_id: &str) -> AppResult<DataKey> {
        self.require(ctx, p, ObjectType::Consent, "")?;
        if subject_id.trim().is_empty() {
            return Err(AppError::Invalid(FieldError::new("subject_id", "is required")));
        }
        match self.subject_key(ctx, p, subject_id.trim()) {
            Ok((_, key)) => Ok(key),
            Err(AppError::NotFound(_)) => {
                Err(AppError::Invalid(FieldError::new("subject_id", "names no person Steward holds")))
            }
            Err(e) => Err(e),
        }
    }

    /// Record a person's consent to one consent purpose of a processing activity (UK GDPR
    /// Art 6(1)(a), Art 7(1)): the activity must be in use and the purpose rest on consent,
    /// the day, the method and the evidence of the person's positive act are required
    /// (never defaulted), and a privacy notice named must be on the register. The evidence
    /// and wording are sealed under the person's key; the audit entry names the ids and
    /// the method only. Refused while the person's processing is restricted (Art 18(2)).
    pub fn record_consent(&self, ctx: &Context, input: NewConsent) -> AppResult<ConsentView> {
        let key = self.consent_subject_key(ctx, Permission::SubjectUpdate, &input.subject_id)?;
        let activity = self.activity_in_use(&input.activity_id)?;
        let notice_id = input.notice_id.clone();
        let v = input.validate(self.today(), activity.as_ref()).map_err(AppError::InvalidAll)?;
        if let Some(n) = notice_id.as_deref().map(str::trim).filter(|n| !n.is_empty())
            && self.notice_named(n)?.is_none()
        {
            return Err(AppError::Invalid(FieldError::new("notice_id", "names no privacy notice on the register")));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let sealed = serde_json::to_vec(&SealedConsent { evidence: v.evidence.clone(), wording: v.wording.clone() })
            .map_err(|e| AppError::Io(format!("cannot encode a consent: {e}")))?;
        let row = ConsentRow {
            data: key.seal(&consent_aad(&v.subject_id, &id), &sealed)?,
            id: id.clone(),
            subject_id: v.subject_id.clone(),
            activity_id: v.activity_id.clone(),
            purpose: v.purpose.clone(),
            given_on: v.given_on.to_string(),
            method: v.method.as_str().into(),
            notice_id: v.notice_id.clone(),
            renew_on: v.renew_on.map(|d| d.to_string()),
            withdrawn_on: None,
            withdrawn_method: None,
            withdrawn_at: None,
            withdrawn_by: None,
            created_at: self.now_text(),
            created_by: ctx.actor.clone(),
        };
        let ev = self.event(
            ctx,
            Action::ConsentRecord,
            &id,
            Outcome::Success,
            format!("subject={} activity={} method={}", row.subject_id, row.activity_id, row.method),
        );
        self.store.insert_consent(&row, &ev)?;
        self.view_consent(&key, &row, std::slice::from_ref(&row), &self.registers()?)
    }

    /// A person's consents, oldest given first (audited as one view, with the count).
    pub fn consents(&self, ctx: &Context, subject_id: &str) -> AppResult<Vec<ConsentView>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Consent, "")?;
        let (_, key) = self.subject_key(ctx, Permission::SubjectRead, subject_id)?;
        let rows = self.store.consents_of(subject_id)?;
        let registers = self.registers()?;
        let out = rows.iter().map(|r| self.view_consent(&key, r, &rows, &registers)).collect::<AppResult<Vec<_>>>()?;
        self.store.audit(&self.event_on(
            ctx,
            Action::ConsentView,
            ObjectType::Subject,
            subject_id,
            Outcome::Success,
            format!("consents={}", out.len()),
        ))?;
        Ok(out)
    }

    /// The consent row `id` after the permission and need-to-know checks.
    fn consent_row_for(&self, ctx: &Context, p: Permission, id: &str) -> AppResult<ConsentRow> {
        self.require(ctx, p, ObjectType::Consent, id)?;
        let row = self.store.consent(id)?.ok_or_else(|| AppError::NotFound(format!("consent {id}")))?;
        self.require_need_to_know(ctx, &row.subject_id)?;
        Ok(row)
    }

    /// One consent (audited as a view).
    pub fn consent(&self, ctx: &Context, id: &str) -> AppResult<ConsentView> {
        let row = self.consent_row_for(ctx, Permission::SubjectRead, id)?;
        let (_, key) = self.subject_key(ctx, Permission::SubjectRead, &row.subject_id)?;
        let all = self.store.consents_of(&row.subject_id)?;
        let view = self.view_consent(&key, &row, &all, &self.registers()?)?;
        self.store.audit(&self.event(
            ctx,
            Action::ConsentView,
            id,
            Outcome::Success,
            format!("subject={}", row.subject_id),
        ))?;
        Ok(view)
    }

    /// Withdraw a consent in one action (UK GDPR Art 7(3): at any time, as easily as it
    /// was given), and answer with what stops as a result: every purpose of the activities
    /// in use that relied on it (see [`steward_core::consent::stopped_by`]). A consent is
    /// withdrawn once: a second withdrawal is refused as a conflict saying when it was.
    /// Allowed while the person's processing is restricted (it only lessens processing).
    pub fn withdraw_consent(&self, ctx: &Context, id: &str, w: Withdrawal) -> AppResult<WithdrawnConsent> {
        let row = self.consent_row_for(ctx, Permission::SubjectUpdate, id)?;
        if let Some(on) = &row.withdrawn_on {
            let on = on.parse::<Date>().map(in_words).unwrap_or_else(|_| on.clone());
            return Err(AppError::Conflict(format!(
                "this consent was already withdrawn on {on}: a withdrawal is recorded once"
            )));
        }
        let given_on = date(&row.given_on, "consent date")?;
        let (on, method) = w.validate(self.today(), given_on).map_err(AppError::InvalidAll)?;
        let subject = self.load(&row.subject_id)?;
        let key = self.keys.unwrap_key(&subject.wrapped_key, &subject.id)?;
        let withdrawal = WithdrawalRow {
            on: on.to_string(),
            method: method.as_str().into(),
            at: self.now_text(),
            by: ctx.actor.clone(),
        };
        let ev = self.event(
            ctx,
            Action::ConsentWithdraw,
            id,
            Outcome::Success,
            format!("subject={} method={}", row.subject_id, method.as_str()),
        );
        let now = self.store.withdraw_consent(id, &withdrawal, &ev).map_err(|e| match e {
            StoreError::Conflict(_) => AppError::Conflict(
                "this consent was withdrawn by someone else at the same moment: a withdrawal is recorded once".into(),
            ),
            other => other.into(),
        })?;
        let all = self.store.consents_of(&now.subject_id)?;
        let consent = self.view_consent(&key, &now, &all, &self.registers()?)?;
        Ok(WithdrawnConsent { stopped: consent.stopped.clone(), consent })
    }

    /// The activities in use with their consent purposes, and every privacy notice
    /// version, for the form that records a consent (those who may record one).
    pub fn consent_choices(&self, ctx: &Context) -> AppResult<(Vec<ConsentChoice>, Vec<NoticeChoice>)> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Consent, "")?;
        let mut activities: Vec<ConsentChoice> = self
            .entries_in_force::<Activity>(None, false)?
            .into_iter()
            .filter_map(|s| {
                let purposes = consent_purposes(&s.entry);
                (!purposes.is_empty()).then(|| ConsentChoice {
                    activity_name: s.entry.title().to_string(),
                    activity_id: s.id,
                    purposes,
                })
            })
            .collect();
        activities.sort_by_key(|a| a.activity_name.to_lowercase());
        Ok((activities, self.notice_choices()?))
    }

    /// Every privacy notice version in use, newest taking effect first.
    fn notice_choices(&self) -> AppResult<Vec<NoticeChoice>> {
        let mut notices: Vec<NoticeChoice> = self
            .entries_in_force::<Notice>(None, false)?
            .into_iter()
            .map(|s| NoticeChoice {
                id: s.id,
                title: s.entry.title,
                version: s.entry.version_label,
                effective_on: s.entry.effective_on,
            })
            .collect();
        notices.sort_by(|a, b| b.effective_on.cmp(&a.effective_on).then(a.title.cmp(&b.title)));
        Ok(notices)
    }

    /// The privacy notice versions in use, for the form that records a receipt (those who
    /// may record one).
    pub fn notice_receipt_choices(&self, ctx: &Context) -> AppResult<Vec<NoticeChoice>> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Notice, "")?;
        self.notice_choices()
    }

    /// Record that a person received a privacy notice version, when and how (UK GDPR
    /// Art 13, 14; Art 5(2)). Audited on the notice, naming the person's id and the method.
    pub fn record_notice_receipt(
        &self,
        ctx: &Context,
        subject_id: &str,
        input: NewNoticeReceipt,
    ) -> AppResult<NoticeReceiptView> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Notice, "")?;
        self.subject_key(ctx, Permission::SubjectUpdate, subject_id)?;
        let (notice_id, received_on, method) = input.validate(self.today()).map_err(AppError::InvalidAll)?;
        let Some(notice) = self.notice_named(&notice_id)? else {
            return Err(AppError::Invalid(FieldError::new("notice_id", "names no privacy notice on the register")));
        };
        let row = NoticeReceiptRow {
            id: uuid::Uuid::now_v7().to_string(),
            subject_id: subject_id.to_string(),
            notice_id: notice_id.clone(),
            received_on: received_on.to_string(),
            method: method.as_str().into(),
            created_at: self.now_text(),
            created_by: ctx.actor.clone(),
        };
        let ev = self.event(
            ctx,
            Action::NoticeGiven,
            &notice_id,
            Outcome::Success,
            format!("subject={subject_id} receipt={} method={}", row.id, row.method),
        );
        self.store.insert_notice_receipt(&row, &ev)?;
        Ok(NoticeReceiptView {
            id: row.id,
            subject_id: row.subject_id,
            notice_id,
            notice_title: notice.title,
            notice_version: notice.version_label,
            received_on,
            method,
            created_at: row.created_at,
            created_by: row.created_by,
        })
    }

    /// The privacy notices a person received, oldest first (audited as one view).
    pub fn notice_receipts(&self, ctx: &Context, subject_id: &str) -> AppResult<Vec<NoticeReceiptView>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Notice, "")?;
        self.subject_key(ctx, Permission::SubjectRead, subject_id)?;
        let registers = self.registers()?;
        let out = self
            .store
            .notice_receipts_of(subject_id)?
            .into_iter()
            .map(|r| {
                let (title, version) = registers
                    .notices
                    .get(&r.notice_id)
                    .cloned()
                    .unwrap_or_else(|| ("A notice no longer on the register".into(), String::new()));
                Ok(NoticeReceiptView {
                    received_on: date(&r.received_on, "notice receipt date")?,
                    method: NoticeMethod::parse(&r.method).ok_or_else(|| corrupt("notice receipt method"))?,
                    id: r.id,
                    subject_id: r.subject_id,
                    notice_id: r.notice_id,
                    notice_title: title,
                    notice_version: version,
                    created_at: r.created_at,
                    created_by: r.created_by,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        self.store.audit(&self.event_on(
            ctx,
            Action::NoticeReceiptsView,
            ObjectType::Subject,
            subject_id,
            Outcome::Success,
            format!("receipts={}", out.len()),
        ))?;
        Ok(out)
    }

    /// The privacy notices in effect today, for the public page (no sign-in: a notice is
    /// published for everyone, UK GDPR Art 12(1)). Of each notice on the register (not
    /// retired), its latest saved version that has taken effect (a change dated to take
    /// effect later leaves the version before it in force until then); and of the notices
    /// for the same audience, the one that took effect last (several versions kept as
    /// entries of their own). Newest first.
    pub fn current_privacy_notices(&self) -> AppResult<Vec<PublishedNotice>> {
        let today = self.today();
        let kind = RegisterKind::Notice.as_str();
        // Per audience: the notice and when its version was saved (of two taking effect the
        // same day, the one saved last).
        let mut current: Vec<(PublishedNotice, String)> = Vec::new();
        for entry in self.store.entries(kind, None)?.into_iter().filter(|e| !e.retired) {
            let mut in_force = None;
            for version in self.store.entry_history(kind, &entry.id)?.into_iter().rev() {
                let n: Notice = serde_json::from_str(&version.body).map_err(|_| corrupt("privacy notice"))?;
                if let Some(effective_on) = n.effective_on.filter(|d| *d <= today) {
                    in_force = Some((n, effective_on, version.changed_at));
                    break;
                }
            }
            let Some((n, effective_on, saved)) = in_force else { continue };
            let candidate = PublishedNotice {
                title: n.title,
                version: n.version_label,
                audience: n.audience,
                effective_on,
                text: n.text,
            };
            let audience = candidate.audience.trim().to_lowercase();
            match current.iter_mut().find(|(p, _)| p.audience.trim().to_lowercase() == audience) {
                Some(slot) if (candidate.effective_on, &saved) > (slot.0.effective_on, &slot.1) => {
                    *slot = (candidate, saved);
                }
                Some(_) => {}
                None => current.push((candidate, saved)),
            }
        }
        let mut out: Vec<PublishedNotice> = current.into_iter().map(|(p, _)| p).collect();
        out.sort_by(|a, b| b.effective_on.cmp(&a.effective_on).then_with(|| a.title.cmp(&b.title)));
        Ok(out)
    }

    /// Every consent with a renewal date and whether it stands, by renewal date, for the
    /// compliance check (ICO "Consent": refresh consent as the policy says): ids and dates
    /// only, so those who read the registers may see them.
    pub fn consent_renewals(&self, ctx: &Context) -> AppResult<Vec<ConsentRenewal>> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Consent, "")?;
        Ok(self.store.consent_renewals()?)
    }
}
