//! A person's consents and the privacy notices they received, on their page: each consent
//! in words (the activity, the purpose, when and how it was given, the renewal date, when it
//! was withdrawn and what stopped), a one-click withdrawal (dated today unless changed), a
//! form to record a consent (the activity and its consent purpose picked from a list), and
//! a form to record that the person received a privacy notice.

use super::detail::{again, gone, gone_page};
use crate::session::CsrfForm;
use crate::state::AppState;
use crate::ui::form::{DateParts, Example, FormErrors, Outcome, Pairs, SelectOption, answer};
use crate::ui::kit::{actor_names, long_date, page, refusal, run};
use axum::extract::{Path, State};
use axum::response::Response;
use steward_app::auth::SessionInfo;
use steward_app::consents::{ConsentView, NoticeChoice};
use steward_app::{App, AppError, AppResult};
use steward_core::consent::{
    ConsentMethod, NewConsent, NewNoticeReceipt, NoticeMethod, SUGGESTED_RENEWAL_MONTHS, StoppedProcessing,
    Withdrawal,
};
use steward_core::register::dates::add_months;
use steward_core::{FieldError, Permission};

/// One consent as the page shows it.
pub struct ConsentLine {
    /// Id, for the withdrawal form.
    pub id: String,
    /// The activity's name.
    pub activity: String,
    /// The consent purpose.
    pub purpose: String,
    /// When given, in words.
    pub given: String,
    /// How given, in words ("on an online form").
    pub how: &'static str,
    /// The privacy notice shown, in words (empty when not recorded).
    pub notice: String,
    /// The evidence.
    pub evidence: String,
    /// The wording agreed to.
    pub wording: String,
    /// When to ask again, in words (empty for none).
    pub renew: String,
    /// Whether that date has passed while the consent stands.
    pub overdue: bool,
    /// When and how withdrawn, in words (empty while it stands).
    pub withdrawn: String,
    /// What stopped with the withdrawal, each "purpose (activity)".
    pub stopped: Vec<String>,
    /// The withdrawal form's date box id (`withdraw-<n>-on`) and method id.
    pub on_id: String,
    /// The withdrawal form's method field id.
    pub method_id: String,
    /// The withdrawal day as typed (today unless changed).
    pub on: DateParts,
    /// The withdrawal method as chosen.
    pub method: String,
}

/// One notice a person received, as the page shows it.
pub struct ReceiptLine {
    /// The notice and its version, in words.
    pub notice: String,
    /// When, in words.
    pub received: String,
    /// How, in words.
    pub how: &'static str,
}

/// The consent-recording form as typed.
#[derive(Default)]
pub struct ConsentForm {
    /// The activity and purpose chosen (`<activity id>|<purpose>`).
    pub choice: String,
    /// When given.
    pub given: DateParts,
    /// How.
    pub method: String,
    /// The evidence.
    pub evidence: String,
    /// The wording.
    pub wording: String,
    /// The notice shown.
    pub notice: String,
    /// When to ask again.
    pub renew: DateParts,
}

/// The receipt-recording form as typed.
#[derive(Default)]
pub struct ReceiptForm {
    /// The notice.
    pub notice: String,
    /// When received.
    pub received: DateParts,
    /// How.
    pub method: String,
}

/// An activity and its consent purposes, as one group of the picker.
pub struct ChoiceGroup {
    /// The activity's name.
    pub activity: String,
    /// Its consent purposes: value `<activity id>|<purpose>`, label the purpose.
    pub options: Vec<SelectOption>,
}

/// The consents part of a person's page.
#[derive(Default)]
pub struct ConsentSection {
    /// Whether the viewer may record and withdraw consents and record notices.
    pub can_change: bool,
    /// The person's consents, newest given first.
    pub lines: Vec<ConsentLine>,
    /// The notices they received, newest first.
    pub receipts: Vec<ReceiptLine>,
    /// The activities with consent purposes, by name.
    pub groups: Vec<ChoiceGroup>,
    /// How consent may be given or withdrawn.
    pub methods: Vec<SelectOption>,
    /// Notice versions for the consent form (none recorded first).
    pub notices: Vec<SelectOption>,
    /// Notice versions for the receipt form (none chosen first).
    pub receipt_notices: Vec<SelectOption>,
    /// How a notice may be given.
    pub notice_methods: Vec<SelectOption>,
    /// The consent form as typed.
    pub form: ConsentForm,
    /// The receipt form as typed.
    pub receipt: ReceiptForm,
    /// The suggested renewal policy, in words.
    pub renew_hint: String,
}

/// How consent is given or withdrawn, in words for the form.
fn method_label(m: ConsentMethod) -> &'static str {
    match m {
        ConsentMethod::Written => "In writing (a signed form or letter)",
        ConsentMethod::OnlineForm => "On an online form (a box the person ticked)",
        ConsentMethod::VerbalRecorded => "In words, recorded at the time (a call or meeting)",
        ConsentMethod::Email => "By email from the person",
        ConsentMethod::Other => "Another way (say which in the evidence)",
    }
}

fn notice_method_label(m: NoticeMethod) -> &'static str {
    match m {
        NoticeMethod::Email => "By email",
        NoticeMethod::Post => "By post",
        NoticeMethod::InPerson => "In person",
        NoticeMethod::Online => "Online (a website or form)",
        NoticeMethod::Phone => "On the telephone",
        NoticeMethod::Other => "Another way",
    }
}

fn notice_label(n: &NoticeChoice) -> String {
    match n.effective_on {
        Some(d) => format!("{}, version {} (from {})", n.title, n.version, long_date(d)),
        None => format!("{}, version {}", n.title, n.version),
    }
}

/// "Sending the newsletter (Tenant communications)".
pub fn stopped_words(s: &StoppedProcessing) -> String {
    format!("{} ({})", s.purpose, s.activity_name)
}

fn line(app: &App, c: ConsentView) -> ConsentLine {
    let withdrawn = match (c.withdrawn_on, c.withdrawal_method) {
        (Some(d), Some(m)) => format!("{}, {}", long_date(d), m.label()),
        (Some(d), None) => long_date(d),
        _ => String::new(),
    };
    ConsentLine {
        on_id: format!("withdraw-{}-on", c.id),
        method_id: format!("withdraw-{}-method", c.id),
        on: DateParts::of(app.today()),
        method: String::new(),
        activity: c.activity_name,
        purpose: c.purpose,
        given: long_date(c.given_on),
        how: c.method.label(),
        notice: c.notice.unwrap_or_default(),
        evidence: c.evidence,
        wording: c.wording,
        renew: c.renew_on.map(long_date).unwrap_or_default(),
        overdue: c.renewal_overdue,
        withdrawn,
        stopped: c.stopped.iter().map(stopped_words).collect(),
        id: c.id,
    }
}

/// Read a person's consents and notices for their page (each read is audited), with the
/// forms' choices for those who may change them.
pub fn load(app: &App, session: &SessionInfo, id: &str) -> AppResult<ConsentSection> {
    let mut lines: Vec<ConsentLine> = app.consents(&session.ctx, id)?.into_iter().map(|c| line(app, c)).collect();
    lines.reverse();
    let mut receipts: Vec<ReceiptLine> = app
        .notice_receipts(&session.ctx, id)?
        .into_iter()
        .map(|r| ReceiptLine {
            notice: if r.notice_version.is_empty() {
                r.notice_title
            } else {
                format!("{}, version {}", r.notice_title, r.notice_version)
            },
            received: long_date(r.received_on),
            how: r.method.label(),
        })
        .collect();
    receipts.reverse();
    let can_change = session.user.role.can(Permission::SubjectUpdate);
    let mut section = ConsentSection { can_change, lines, receipts, ..ConsentSection::default() };
    if can_change {
        let (activities, notices) = app.consent_choices(&session.ctx)?;
        section.groups = activities
            .into_iter()
            .map(|a| ChoiceGroup {
                options: a
                    .purposes
                    .iter()
                    .map(|p| SelectOption::new(format!("{}|{p}", a.activity_id), p.clone()))
                    .collect(),
                activity: a.activity_name,
            })
            .collect();
        section.methods = std::iter::once(SelectOption::new("", "Choose how"))
            .chain(ConsentMethod::ALL.iter().map(|m| SelectOption::new(m.as_str(), method_label(*m))))
            .collect();
        section.notices = std::iter::once(SelectOption::new("", "Not recorded"))
            .chain(notices.iter().map(|n| SelectOption::new(n.id.clone(), notice_label(n))))
            .collect();
        section.receipt_notices = std::iter::once(SelectOption::new("", "Choose a notice"))
            .chain(notices.iter().map(|n| SelectOption::new(n.id.clone(), notice_label(n))))
            .collect();
        section.notice_methods = std::iter::once(SelectOption::new("", "Choose how"))
            .chain(NoticeMethod::ALL.iter().map(|m| SelectOption::new(m.as_str(), notice_method_label(*m))))
            .collect();
        section.form.given = DateParts::of(app.today());
        section.receipt.received = DateParts::of(app.today());
        section.renew_hint = match add_months(app.today(), SUGGESTED_RENEWAL_MONTHS) {
            Some(d) => format!(
                "Optional. Leave blank if consent is not renewed. Many organisations ask again after \
                 {SUGGESTED_RENEWAL_MONTHS} months: for consent given today, that is {}.",
                long_date(d)
            ),
            None => "Optional. Leave blank if consent is not renewed.".into(),
        };
    }
    Ok(section)
}

/// A message from the application for people: one that continues a sentence follows
/// `label`; one that stands alone starts with a capital.
fn words(label: &str, message: &str) -> String {
    let m = message.trim();
    if ["is ", "must ", "names ", "has "].iter().any(|p| m.starts_with(p)) {
        return format!("{label} {m}");
    }
    let mut chars = m.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => format!("{label} is not right"),
    }
}

/// The consent form's field, and its label, for an application problem with `field`.
fn consent_field(field: &str) -> (&'static str, &'static str) {
    match field {
        "given_on" => ("consent-given", "The date consent was given"),
        "method" => ("consent-method", "How consent was given"),
        "evidence" => ("consent-evidence", "The evidence"),
        "wording" => ("consent-wording", "The wording"),
        "notice_id" => ("consent-notice", "The privacy notice"),
        "renew_on" => ("consent-renew", "The renewal date"),
        _ => ("consent-choice", "The activity and purpose"),
    }
}

fn add_problems(errors: &mut FormErrors, problems: Vec<FieldError>, map: impl Fn(&str) -> (&'static str, &'static str)) {
    for p in problems {
        let (id, label) = map(&p.field);
        if !errors.has(id) {
            errors.add(id, words(label, &p.message));
        }
    }
}

/// The problems an application answer holds, or the error itself when it is not a problem
/// with the form (a refusal by the current state is a problem with the form too).
fn problems(e: AppError) -> Result<Vec<FieldError>, AppError> {
    match e {
        AppError::Invalid(f) => Ok(vec![f]),
        AppError::InvalidAll(all) => Ok(all),
        other => refusal(other).map(|m| vec![FieldError::new("", m)]),
    }
}

/// `POST /subjects/{id}/consents`: record a consent.
pub(super) async fn record(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let p = f.form;
    let result = run(move || {
        let typed = ConsentForm {
            choice: p.trimmed("consent-choice").to_string(),
            given: p.date("consent-given"),
            method: p.trimmed("consent-method").to_string(),
            evidence: p.value("consent-evidence").to_string(),
            wording: p.value("consent-wording").to_string(),
            notice: p.trimmed("consent-notice").to_string(),
            renew: p.date("consent-renew"),
        };
        let mut errors = FormErrors::new();
        let (activity_id, purpose) = typed.choice.split_once('|').unwrap_or(("", ""));
        if activity_id.is_empty() {
            errors.add("consent-choice", "Choose the activity and purpose the person consented to");
        }
        let given_on = typed.given.required(
            &mut errors,
            "consent-given",
            "The date consent was given",
            "Enter the date the person gave consent",
        );
        let method = ConsentMethod::parse(&typed.method);
        if method.is_none() {
            errors.add("consent-method", "Choose how the person gave consent");
        }
        let renew_on = typed.renew.optional(&mut errors, "consent-renew", "The renewal date", Example::Recent);
        if typed.evidence.trim().is_empty() {
            errors.add(
                "consent-evidence",
                "Describe the evidence of the person's consent: consent is never assumed (UK GDPR Article 7(1))",
            );
        }
        if errors.is_empty() {
            let input = NewConsent {
                subject_id: id.clone(),
                activity_id: activity_id.to_string(),
                purpose: purpose.to_string(),
                given_on,
                method,
                evidence: typed.evidence.clone(),
                wording: typed.wording.clone(),
                notice_id: Some(typed.notice.clone()),
                renew_on,
            };
            match app.record_consent(&session.ctx, input) {
                Ok(_) => return Ok(Outcome::done(format!("/subjects/{id}?done=consent_recorded#consents"))),
                Err(AppError::Gone(t)) => {
                    let g = gone_page(page(&app, &session, "subjects"), *t, &actor_names(&app, &session.ctx)?);
                    return Ok(Outcome::Page(gone(&g)));
                }
                Err(e) => add_problems(&mut errors, problems(e)?, consent_field),
            }
        }
        again(&app, &session, &id, errors, |page| page.consents.form = typed)
    })
    .await;
    answer(result)
}

/// `POST /subjects/{id}/consents/{consent}/withdraw`: withdraw a consent (Art 7(3)); the
/// page then shows what stopped.
pub(super) async fn withdraw(
    State(s): State<AppState>,
    Path((id, consent)): Path<(String, String)>,
    f: CsrfForm<Pairs>,
) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let p = f.form;
    let result = run(move || {
        let on_id = format!("withdraw-{consent}-on");
        let method_id = format!("withdraw-{consent}-method");
        let typed_on = p.date(&on_id);
        let typed_method = p.trimmed(&method_id).to_string();
        let mut errors = FormErrors::new();
        let on = typed_on.required(&mut errors, &on_id, "The date", "Enter the date the person withdrew consent");
        let method = ConsentMethod::parse(&typed_method);
        if method.is_none() {
            errors.add(method_id.clone(), "Choose how the person withdrew consent");
        }
        // The consent must be this person's.
        let theirs = app.consent(&session.ctx, &consent).map(|c| c.subject_id == id);
        match theirs {
            Ok(true) => {}
            Ok(false) => return Err(AppError::NotFound(format!("consent {consent}"))),
            Err(e) => return Err(e),
        }
        if errors.is_empty() {
            match app.withdraw_consent(&session.ctx, &consent, Withdrawal { on, method }) {
                Ok(_) => {
                    return Ok(Outcome::done(format!("/subjects/{id}?done=consent_withdrawn&consent={consent}#consents")));
                }
                Err(e) => {
                    let (on_field, m_field) = (on_id.clone(), method_id.clone());
                    for problem in problems(e)? {
                        let target = if problem.field == "method" { m_field.clone() } else { on_field.clone() };
                        if !errors.has(&target) {
                            errors.add(target, words("The date", &problem.message));
                        }
                    }
                }
            }
        }
        again(&app, &session, &id, errors, |page| {
            if let Some(l) = page.consents.lines.iter_mut().find(|l| l.id == consent) {
                l.on = typed_on;
                l.method = typed_method;
            }
        })
    })
    .await;
    answer(result)
}

/// `POST /subjects/{id}/notices`: record that the person received a privacy notice.
pub(super) async fn record_receipt(
    State(s): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<Pairs>,
) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let p = f.form;
    let result = run(move || {
        let typed = ReceiptForm {
            notice: p.trimmed("receipt-notice").to_string(),
            received: p.date("receipt-on"),
            method: p.trimmed("receipt-method").to_string(),
        };
        let mut errors = FormErrors::new();
        if typed.notice.is_empty() {
            errors.add("receipt-notice", "Choose the privacy notice the person received");
        }
        let received_on =
            typed.received.required(&mut errors, "receipt-on", "The date", "Enter the date the person received it");
        let method = NoticeMethod::parse(&typed.method);
        if method.is_none() {
            errors.add("receipt-method", "Choose how the notice was given");
        }
        if errors.is_empty() {
            let input = NewNoticeReceipt { notice_id: typed.notice.clone(), received_on, method };
            match app.record_notice_receipt(&session.ctx, &id, input) {
                Ok(_) => return Ok(Outcome::done(format!("/subjects/{id}?done=notice_recorded#notices"))),
                Err(AppError::Gone(t)) => {
                    let g = gone_page(page(&app, &session, "subjects"), *t, &actor_names(&app, &session.ctx)?);
                    return Ok(Outcome::Page(gone(&g)));
                }
                Err(e) => add_problems(&mut errors, problems(e)?, |f| match f {
                    "received_on" => ("receipt-on", "The date"),
                    "method" => ("receipt-method", "How it was given"),
                    _ => ("receipt-notice", "The privacy notice"),
                }),
            }
        }
        again(&app, &session, &id, errors, |page| page.consents.receipt = typed)
    })
    .await;
    answer(result)
}
