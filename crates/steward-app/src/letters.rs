//! Letters to requesters: six templates (acknowledgement, identity request,
//! clarification request, extension notice, refusal, response cover letter) with
//! plain-English defaults, which the DPO may reword. Templates are MiniJinja text with a
//! fixed set of variables ([`VARIABLES`]); a name not in the set is refused when saved
//! and is an error when rendered (strict undefined), so a typo never reaches a letter.
//!
//! Stored in the settings table as `letter.<name>`; an empty value means the default.
//! Saving and restoring are audited as `letter.update` with the letter's name and the
//! text's length only. Rendering a letter for a request reads the requester's name and
//! address from the subject's record, a view of personal data: audited as
//! `letter.render` with the request, letter and subject ids only.
//!
//! Sources of the defaults' wording: UK GDPR Art 12(3) (one month; extension by two
//! further months with reasons, told within the first month), Art 12(4) (refusal with
//! reasons and the right to complain to the ICO and to a judicial remedy), Art 12A (the
//! clock starts on proof of identity; clarification pauses it), Art 15(1)-(2) (what a
//! response must tell: purposes, categories, recipients, retention, rights, source);
//! DPA 2018 s164A (complaints acknowledged within 30 days, outcome without undue delay);
//! and the seed policies: the housing association's "informed in writing, with a full
//! explanation" of any delay and its doubts "as to the authority of, or the identity of
//! any applicant" (000, 9.2-9.3); the care provider's "kept fully informed of any
//! decision to extend" and "no charge … unless manifestly unfounded, excessive or
//! repetitive" (002, H); the charity's SAR steps C ("proof of ID & clarify type of data
//! required"), L ("check with subject how they want to receive data") and M ("explain
//! any exemptions that have been applied · ensure communication includes right to
//! reply") (003); the older housing procedure's right "to make a complaint to the
//! Information Commissioners Office" and its third parties "acting on behalf of that
//! individual" with clear evidence (004).

use crate::about_processing::ProcessingFacts;
use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::{fmt, str::FromStr};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::request::{DecisionOutcome, EventKind, MadeBy, RequestKind};
use steward_core::subject::Category;
use steward_core::{CoreError, FieldError, Permission};
use steward_store::SubjectLookup;
use utoipa::ToSchema;

/// Longest letter template accepted (characters).
pub const MAX_LETTER: usize = 20_000;

/// Fuel for one render: enough for any letter, not for a runaway loop.
const FUEL: u64 = 100_000;

/// The letters Steward offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// Acknowledging a request or complaint.
    Acknowledgement,
    /// Asking for proof of identity (or of authority to act for someone).
    IdentityRequest,
    /// Asking the requester to clarify what they want.
    ClarificationRequest,
    /// Telling the requester the time limit is extended, with reasons and the new date.
    ExtensionNotice,
    /// Refusing, with reasons and the right to complain to the ICO and to the courts.
    Refusal,
    /// The cover letter sent with the response.
    ResponseCover,
}

impl LetterKind {
    /// Every letter, in the order they are usually sent.
    pub const ALL: &[LetterKind] = &[
        LetterKind::Acknowledgement,
        LetterKind::IdentityRequest,
        LetterKind::ClarificationRequest,
        LetterKind::ExtensionNotice,
        LetterKind::Refusal,
        LetterKind::ResponseCover,
    ];

    /// The stable machine name (snake_case), as in addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            LetterKind::Acknowledgement => "acknowledgement",
            LetterKind::IdentityRequest => "identity_request",
            LetterKind::ClarificationRequest => "clarification_request",
            LetterKind::ExtensionNotice => "extension_notice",
            LetterKind::Refusal => "refusal",
            LetterKind::ResponseCover => "response_cover",
        }
    }

    /// Name for people.
    pub fn title(self) -> &'static str {
        match self {
            LetterKind::Acknowledgement => "Acknowledgement",
            LetterKind::IdentityRequest => "Request for proof of identity",
            LetterKind::ClarificationRequest => "Request for clarification",
            LetterKind::ExtensionNotice => "Extension notice",
            LetterKind::Refusal => "Refusal",
            LetterKind::ResponseCover => "Response cover letter",
        }
    }

    /// When it is sent.
    pub fn purpose(self) -> &'static str {
        match self {
            LetterKind::Acknowledgement => {
                "Sent when a request or complaint arrives. Complaints must be acknowledged within 30 days (DPA 2018 s164A)."
            }
            LetterKind::IdentityRequest => {
                "Asks for proof of identity, or of authority to act for someone. The month starts when it arrives (UK GDPR Art 12A)."
            }
            LetterKind::ClarificationRequest => {
                "Asks the requester to say more about what they want. The clock is paused until they answer (Art 12A)."
            }
            LetterKind::ExtensionNotice => {
                "Tells the requester, within the first month, that the time limit is extended, why, and the new date (Art 12(3))."
            }
            LetterKind::Refusal => {
                "Refuses a request, with the reasons and the right to complain to the ICO and to go to court (Art 12(4))."
            }
            LetterKind::ResponseCover => {
                "Goes with the response: what is enclosed, how the passphrase reaches them, and the information Art 15 requires."
            }
        }
    }

    /// The setting that holds the DPO's wording.
    pub fn setting_key(self) -> String {
        format!("letter.{}", self.as_str())
    }

    /// The wording Steward ships.
    pub fn default_text(self) -> &'static str {
        match self {
            LetterKind::Acknowledgement => ACKNOWLEDGEMENT,
            LetterKind::IdentityRequest => IDENTITY_REQUEST,
            LetterKind::ClarificationRequest => CLARIFICATION_REQUEST,
            LetterKind::ExtensionNotice => EXTENSION_NOTICE,
            LetterKind::Refusal => REFUSAL,
            LetterKind::ResponseCover => RESPONSE_COVER,
        }
    }
}

impl fmt::Display for LetterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LetterKind {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s).ok_or_else(|| CoreError::Unknown {
            kind: "letter",
            value: s.chars().take(60).collect(),
            expected: Self::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "),
        })
    }
}

/// A variable a letter may use: its name, what it holds, and the fictional value the
/// preview uses.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Variable {
    /// Name, as written in a template: `{{ name }}`.
    pub name: &'static str,
    /// What it holds.
    pub meaning: &'static str,
    /// The value used in previews (fictional).
    pub sample: &'static str,
}

/// Every variable a letter may use.
pub const VARIABLES: &[Variable] = &[
    Variable { name: "organisation_name", meaning: "Your organisation's name", sample: "Riverside Housing" },
    Variable { name: "dpo_name", meaning: "The data protection officer's name (may be empty)", sample: "Dana Okafor" },
    Variable {
        name: "dpo_email",
        meaning: "The data protection officer's email address (may be empty)",
        sample: "dpo@example.org",
    },
    Variable { name: "reference", meaning: "The request's reference", sample: "REQ-2026-000123" },
    Variable { name: "kind", meaning: "What was asked for, in words", sample: "subject access request" },
    Variable {
        name: "is_complaint",
        meaning: "True for a complaint, false for a rights request (for {% if %})",
        sample: "false",
    },
    Variable { name: "received_date", meaning: "The day it was received", sample: "2 November 2026" },
    Variable { name: "due_date", meaning: "The statutory due date as it now stands", sample: "2 December 2026" },
    Variable {
        name: "extended_due_date",
        meaning: "The new statutory due date after an extension (empty if not extended)",
        sample: "2 February 2027",
    },
    Variable {
        name: "extension_reason",
        meaning: "The reasons recorded for the extension (empty if not extended)",
        sample: "your request covers twelve years of records held in four systems",
    },
    Variable {
        name: "decision_outcome",
        meaning: "The decision: granted in full, partly granted or refused (empty if not decided)",
        sample: "refused",
    },
    Variable { name: "decision_reason", meaning: "The reasons recorded for the decision (empty if none)", sample: "" },
    Variable {
        name: "on_behalf",
        meaning: "True when someone made the request for the person it is about (for {% if %})",
        sample: "false",
    },
    Variable { name: "today", meaning: "Today's date", sample: "23 November 2026" },
    Variable {
        name: "requester_name",
        meaning: "The name of the person the request is about, from their record (empty if not linked)",
        sample: "Jordan Sample",
    },
    Variable {
        name: "requester_address",
        meaning: "Their first postal address from their record, one line each (empty if none)",
        sample: "12 Example Road\nRiverside\nExampletown EX1 2MP",
    },
    Variable {
        name: "passphrase_route",
        meaning: "How the response's passphrase reaches them: by text message when their record has a phone number, otherwise by separate letter",
        sample: "by text message to the phone number we hold for you",
    },
    Variable {
        name: "purposes",
        meaning: "Why their data is used, from the record of processing for their categories (empty if it says nothing yet)",
        sample: "managing your tenancy; collecting rent",
    },
    Variable {
        name: "data_categories",
        meaning: "The kinds of personal data held, from the record of processing (empty if it says nothing yet)",
        sample: "contact details; tenancy records; rent account",
    },
    Variable {
        name: "recipients",
        meaning: "Who it is shared with, from the record of processing (empty if it says nothing yet)",
        sample: "repairs contractors; the local council",
    },
    Variable {
        name: "retention",
        meaning: "How long each kind of record is kept, from the record of processing and the retention schedule (empty if it says nothing yet)",
        sample: "Tenancy files: 6 years after leaving",
    },
    Variable {
        name: "sources",
        meaning: "Where the data came from, from the record of processing (empty if it says nothing yet)",
        sample: "from you, and from the council's housing register",
    },
    Variable {
        name: "automated_decisions",
        meaning: "Automated decisions with their logic and effects, from the record of processing (empty if none)",
        sample: "",
    },
    Variable {
        name: "transfers",
        meaning: "Transfers outside the UK with their safeguards, from the record of processing (empty if none)",
        sample: "",
    },
    Variable {
        name: "rights",
        meaning: "What they can ask for over this processing, from its lawful bases (empty if the record says nothing yet)",
        sample: "to correct your personal data, to erase it, to restrict how we use it or to stop using it (to object)",
    },
    Variable {
        name: "register_complete",
        meaning: "True when the record of processing covers them fully: purposes, data, recipients, retention and sources (for {% if %})",
        sample: "true",
    },
];

/// A letter template as the DPO sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LetterTemplate {
    /// Machine name.
    pub name: LetterKind,
    /// Name for people.
    pub title: &'static str,
    /// When it is sent.
    pub purpose: &'static str,
    /// The template text in force.
    pub text: String,
    /// Whether it is Steward's default wording.
    pub is_default: bool,
}

/// A letter rendered for one request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RenderedLetter {
    /// Machine name.
    pub name: LetterKind,
    /// Name for people.
    pub title: &'static str,
    /// The request.
    pub request_id: String,
    /// The request's reference.
    pub reference: String,
    /// What the request is.
    pub request_kind: RequestKind,
    /// The letter, as plain text.
    pub text: String,
}

impl fmt::Display for RenderedLetter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the letter's text (it holds personal data).
        write!(f, "{} for {}", self.name, self.request_id)
    }
}

/// Items as a sentence lists them: "a, b or c".
pub fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The date as UK letters write it: `23 November 2026`.
pub fn letter_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// What was asked for, as a letter says it ("your subject access request").
pub fn kind_words(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Access => "subject access request",
        RequestKind::Rectification => "request to correct your personal data",
        RequestKind::Erasure => "request to erase your personal data",
        RequestKind::Restriction => "request to restrict how we use your personal data",
        RequestKind::Portability => "request for your personal data in a portable format",
        RequestKind::Objection => "objection to how we use your personal data",
        RequestKind::ObjectionDirectMarketing => "objection to direct marketing",
        RequestKind::AutomatedDecisionReview => "request for a review of an automated decision",
        RequestKind::WithdrawConsent => "withdrawal of your consent",
        RequestKind::Complaint => "complaint about how we handled your personal data",
    }
}

fn outcome_words(o: DecisionOutcome) -> &'static str {
    match o {
        DecisionOutcome::Granted => "granted in full",
        DecisionOutcome::PartlyGranted => "partly granted",
        DecisionOutcome::Refused => "refused",
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.set_fuel(Some(FUEL));
    env
}

fn problem(e: &minijinja::Error) -> FieldError {
    let detail = e.detail().map_or_else(|| e.kind().to_string(), str::to_string);
    let message = match e.line() {
        Some(line) => format!("has a mistake on line {line}: {detail}"),
        None => format!("has a mistake: {detail}"),
    };
    FieldError::new("text", message)
}

/// The preview's fictional values.
pub fn sample_values() -> BTreeMap<&'static str, Value> {
    VARIABLES
        .iter()
        .map(|v| {
            let value = match v.name {
                "is_complaint" | "on_behalf" => Value::from(false),
                "register_complete" => Value::from(true),
                _ => Value::from(v.sample),
            };
            (v.name, value)
        })
        .collect()
}

/// Check a template as the DPO typed it: not blank, at most [`MAX_LETTER`] characters,
/// valid syntax (a mistake is named with its line), only the names in [`VARIABLES`],
/// and it renders against the fictional sample. The problem is returned as a field
/// error on `text`, naming no personal data (templates hold none).
pub fn check_letter(text: &str) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new("text", "is empty; write the letter, or restore the default"));
    }
    let n = text.chars().count();
    if n > MAX_LETTER {
        return Err(FieldError::new("text", format!("is {n} characters long; the most is {MAX_LETTER}")));
    }
    let env = environment();
    let tmpl = env.template_from_str(text).map_err(|e| problem(&e))?;
    let mut unknown: Vec<String> =
        tmpl.undeclared_variables(false).into_iter().filter(|name| !VARIABLES.iter().any(|v| v.name == name)).collect();
    if !unknown.is_empty() {
        unknown.sort();
        let list = unknown.iter().map(|u| format!("{{{{ {u} }}}}")).collect::<Vec<_>>().join(", ");
        return Err(FieldError::new(
            "text",
            format!("contains {list}, which is not one of the variables listed; check the spelling"),
        ));
    }
    render_text(text, &sample_values()).map(|_| ())
}

/// Render `text` with `values`.
pub fn render_text(text: &str, values: &BTreeMap<&'static str, Value>) -> Result<String, FieldError> {
    let env = environment();
    let tmpl = env.template_from_str(text).map_err(|e| problem(&e))?;
    tmpl.render(values).map_err(|e| problem(&e))
}

impl App {
    fn letter_text(&self, kind: LetterKind) -> AppResult<(String, bool)> {
        Ok(match self.store.setting(&kind.setting_key())? {
            Some(t) if !t.trim().is_empty() => (t, false),
            _ => (kind.default_text().to_string(), true),
        })
    }

    fn require_letters_read(&self, ctx: &Context) -> AppResult<()> {
        if ctx.role.can(Permission::ManageLetters) {
            return Ok(());
        }
        self.require(ctx, Permission::SubjectRead, ObjectType::Letter, "")
    }

    /// Every letter template in force (for those who send letters, and the DPO).
    pub fn letters(&self, ctx: &Context) -> AppResult<Vec<LetterTemplate>> {
        self.require_letters_read(ctx)?;
        LetterKind::ALL.iter().map(|&k| self.template_of(k)).collect()
    }

    /// One letter template in force.
    pub fn letter(&self, ctx: &Context, kind: LetterKind) -> AppResult<LetterTemplate> {
        self.require_letters_read(ctx)?;
        self.template_of(kind)
    }

    fn template_of(&self, kind: LetterKind) -> AppResult<LetterTemplate> {
        let (text, is_default) = self.letter_text(kind)?;
        Ok(LetterTemplate { name: kind, title: kind.title(), purpose: kind.purpose(), text, is_default })
    }

    /// Replace a letter's wording (DPO only), after [`check_letter`]. Audited as
    /// `letter.update` with the name and length, never the text.
    pub fn save_letter(&self, ctx: &Context, kind: LetterKind, text: &str) -> AppResult<LetterTemplate> {
        self.require(ctx, Permission::ManageLetters, ObjectType::Letter, kind.as_str())?;
        let text = text.replace("\r\n", "\n");
        check_letter(&text).map_err(AppError::Invalid)?;
        let detail = format!("letter={kind} chars={}", text.chars().count());
        let ev = self.event(ctx, Action::LetterUpdate, kind.as_str(), Outcome::Success, detail);
        self.store.put_settings(&[(&kind.setting_key(), &text)], Some(&ev))?;
        self.template_of(kind)
    }

    /// Go back to Steward's wording (DPO only; audited as `letter.update`).
    pub fn restore_letter(&self, ctx: &Context, kind: LetterKind) -> AppResult<LetterTemplate> {
        self.require(ctx, Permission::ManageLetters, ObjectType::Letter, kind.as_str())?;
        let ev =
            self.event(ctx, Action::LetterUpdate, kind.as_str(), Outcome::Success, format!("letter={kind} default"));
        self.store.put_settings(&[(&kind.setting_key(), "")], Some(&ev))?;
        self.template_of(kind)
    }

    /// `text` rendered against the fictional sample (DPO only), or the problem with it.
    pub fn preview_letter(&self, ctx: &Context, text: &str) -> AppResult<String> {
        self.require(ctx, Permission::ManageLetters, ObjectType::Letter, "")?;
        let text = text.replace("\r\n", "\n");
        check_letter(&text).map_err(AppError::Invalid)?;
        let mut values = sample_values();
        let org = self.org_settings()?;
        if !org.org_name.is_empty() {
            values.insert("organisation_name", Value::from(org.org_name));
        }
        render_text(&text, &values).map_err(AppError::Invalid)
    }

    /// Letter `kind` for request `request_id`, with the requester's name and address
    /// from the subject's record when the caller may open it. Audited as
    /// `letter.render` (request, letter and subject ids only).
    pub fn render_letter(&self, ctx: &Context, request_id: &str, kind: LetterKind) -> AppResult<RenderedLetter> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, request_id)?;
        let view = self.get_request(ctx, request_id)?;
        let org = self.org_settings()?;
        let (text, _) = self.letter_text(kind)?;
        let extension = view.events.iter().find(|e| e.event.kind == EventKind::Extended);
        let decision = view.events.iter().find(|e| e.event.kind == EventKind::Decision);
        let mut values: BTreeMap<&'static str, Value> = BTreeMap::new();
        let mut put = |k: &'static str, v: String| {
            values.insert(k, Value::from(v));
        };
        put("organisation_name", org.org_name.clone());
        put("dpo_name", org.dpo_name.clone().unwrap_or_default());
        put("dpo_email", org.dpo_email.clone().unwrap_or_default());
        put("reference", view.reference.clone());
        put("kind", kind_words(view.kind).into());
        put("received_date", letter_date(view.received_on));
        put("due_date", letter_date(view.statutory_due_on));
        put("extended_due_date", extension.map(|_| letter_date(view.statutory_due_on)).unwrap_or_default());
        put("extension_reason", extension.and_then(|e| e.event.reason.clone()).unwrap_or_default());
        put("decision_outcome", decision.and_then(|e| e.event.outcome).map(outcome_words).unwrap_or_default().into());
        put("decision_reason", decision.and_then(|e| e.event.reason.clone()).unwrap_or_default());
        put("today", letter_date(self.today()));
        let (mut name, mut address, mut subject_read) = (String::new(), String::new(), None);
        let mut by_text = false;
        let mut facts = ProcessingFacts::default();
        if let Some(sid) = &view.subject_id
            && self.may_open_subject(ctx, sid)?
            && let SubjectLookup::Found(row) = self.store.subject(sid)?
        {
            let p = self.open_row(&row)?;
            name = format!("{} {}", p.given_name, p.family_name).trim().to_string();
            if let Some(a) = p.addresses.first() {
                let mut lines = a.lines.clone();
                lines.extend(a.postcode.clone());
                address = lines.join("\n");
            }
            by_text = !p.phones.is_empty();
            let categories: Vec<Category> = row.categories.iter().filter_map(|c| c.parse().ok()).collect();
            facts = self.processing_facts(&categories)?;
            subject_read = Some(sid.clone());
        }
        let route =
            if by_text { "by text message to the phone number we hold for you" } else { "in a separate letter" };
        put("passphrase_route", route.into());
        put("purposes", facts.purposes.join("; "));
        put("data_categories", facts.data_categories.join("; "));
        put("recipients", facts.recipients.join("; "));
        put("retention", facts.retention.join("; "));
        put("sources", facts.sources.join("; "));
        put("automated_decisions", facts.automated_decisions.join("; "));
        put("transfers", facts.transfers.join("; "));
        put("rights", or_list(&facts.rights));
        put("requester_name", name);
        put("requester_address", address);
        values.insert("is_complaint", Value::from(view.kind == RequestKind::Complaint));
        values.insert("register_complete", Value::from(facts.complete()));
        values.insert("on_behalf", Value::from(view.made_by == MadeBy::Representative));
        let rendered = render_text(&text, &values).map_err(|f| {
            AppError::Conflict(format!(
                "the {} letter's wording {}; the DPO can correct it on the Letters page",
                kind.title().to_lowercase(),
                f.message
            ))
        })?;
        let detail = match &subject_read {
            Some(s) => format!("letter={kind} subject={s}"),
            None => format!("letter={kind}"),
        };
        self.store.audit(&self.event(ctx, Action::LetterRender, request_id, Outcome::Success, detail))?;
        Ok(RenderedLetter {
            name: kind,
            title: kind.title(),
            request_id: view.id,
            reference: view.reference,
            request_kind: view.kind,
            text: rendered,
        })
    }
}

macro_rules! letter {
    ($body:expr) => {
        concat!(
            "{% if requester_name and not on_behalf %}{{ requester_name }}\n{% if requester_address %}{{ requester_address }}\n{% endif %}\n\n{% endif %}",
            "{{ today }}\n\nOur reference: {{ reference }}\n\n",
            "{% if on_behalf and requester_name %}About: {{ requester_name }}\n\n{% endif %}",
            "Dear {% if on_behalf %}Sir or Madam{% else %}{{ requester_name or \"Sir or Madam\" }}{% endif %},\n\n",
            $body,
            "\nYours sincerely,\n\n\n{{ dpo_name or \"Data protection officer\" }}\n",
            "{% if dpo_name %}Data protection officer\n{% endif %}",
            "{{ organisation_name }}\n",
            "{% if dpo_email %}{{ dpo_email }}\n{% endif %}"
        )
    };
}

/// Acknowledgement: of a rights request (the month and the date it ends, Art 12(3);
/// no fee, seed 002 H) or of a complaint (DPA 2018 s164A: acknowledged within 30 days,
/// the outcome without undue delay).
const ACKNOWLEDGEMENT: &str = letter!(
    "Your {{ kind }}

Thank you for your {{ kind }}, which we received on {{ received_date }}.

{% if is_complaint %}
We take complaints about how we handle personal data seriously. We are looking into what you have told us and will tell you the outcome without undue delay. If we need more information from you, we will ask.
{% else %}
We will respond by {{ due_date }} at the latest. The law gives us one month from the day we received your request (UK GDPR Article 12(3)). There is no charge.

If we need proof of your identity, or need you to tell us more about the information you want, we will ask you as soon as we can. The time limit then runs from the day we receive it.
{% endif %}

If you have any questions, please contact us{% if dpo_email %} at {{ dpo_email }}{% endif %}, quoting our reference {{ reference }}.
"
);

/// Identity request: proof of identity, or of authority to act for someone (seed 000
/// 9.3, seed 004, seed 003 step C), and that the month starts on its receipt (Art 12A).
const IDENTITY_REQUEST: &str = letter!(
    "Your {{ kind }}: proof of identity

Thank you for your {{ kind }}, which we received on {{ received_date }}.

Before we can deal with it, we need to be sure that we are giving information to, or acting for, the right person. Please send us proof of your identity, for example:

- a copy of your passport, driving licence or another photo identity document; and
- a recent utility bill, council tax bill or bank statement showing your name and address.

If you are making the request for someone else, please also send evidence that you may act for them, such as their signed written consent or a power of attorney.

We only ask for what we need to confirm who you are, and we will not keep the copies longer than we need to.

The one-month time limit for our response starts on the day we receive your proof of identity (UK GDPR Article 12A). If we do not hear from you, we may not be able to go ahead with your request.
"
);

/// Clarification request: where much data is held, the requester is asked to narrow
/// the request and the clock pauses until they answer (Art 12A; seed 003 step C,
/// "clarify type of data required").
const CLARIFICATION_REQUEST: &str = letter!(
    "Your {{ kind }}: can you tell us more?

Thank you for your {{ kind }}, which we received on {{ received_date }}.

We hold a large amount of information about you. So that we can send you what you are looking for, please tell us more about the information you want, for example:

- the dates or period it covers;
- the services, teams or people you dealt with;
- the kinds of records (emails, letters, case notes, repairs, support records).

You do not have to narrow your request, but it will help us respond sooner. The time limit for our response is paused from the day we asked until the day we receive your reply (UK GDPR Article 12A). It then runs again, and our due date moves on by the days it was paused.
"
);

/// Extension notice: the reasons and the new date, told within the first month (Art
/// 12(3)); seed 000 9.2 ("informed in writing, with a full explanation") and seed 002 H
/// ("kept fully informed of any decision to extend").
const EXTENSION_NOTICE: &str = letter!(
    "Your {{ kind }}: we need more time

We are writing about your {{ kind }}, which we received on {{ received_date }}.

We need more time to respond. The law allows us to extend the time limit by up to two further months where a request is complex or where someone has made a number of requests (UK GDPR Article 12(3)).

Why we need more time: {{ extension_reason or \"[give the reasons]\" }}.

We will now respond by {{ extended_due_date or \"[the new date]\" }} at the latest. We will send you what we can sooner if possible.

If you are unhappy about this, please contact us{% if dpo_email %} at {{ dpo_email }}{% endif %}. You also have the right to complain to the Information Commissioner's Office (ico.org.uk/make-a-complaint, 0303 123 1113).
"
);

/// Refusal: the reasons, and the right to complain to the ICO and to seek a judicial
/// remedy (Art 12(4)); seed 004 (complaint to the ICO) and seed 002 H (manifestly
/// unfounded, excessive or repetitive).
const REFUSAL: &str = letter!(
    "Your {{ kind }}: our decision

We have carefully considered your {{ kind }}, which we received on {{ received_date }}. I am sorry to tell you that we have decided {% if decision_outcome == \"partly granted\" %}not to do all of what you asked{% else %}not to do what you asked{% endif %}.

Our reasons: {{ decision_reason or \"[explain why: for example, that the request is manifestly unfounded or excessive and why, or which exemption in the Data Protection Act 2018 applies and how]\" }}

If you disagree, please tell us{% if dpo_email %} at {{ dpo_email }}{% endif %} and we will look at it again.

You have the right to complain to the Information Commissioner's Office (ICO), the UK's independent regulator for data protection:

  Information Commissioner's Office
  Wycliffe House
  Water Lane
  Wilmslow
  Cheshire SK9 5AF
  Telephone: 0303 123 1113
  Online: ico.org.uk/make-a-complaint

You also have the right to ask a court to enforce your rights (a judicial remedy). You may wish to take independent legal advice about this.
"
);

/// Response cover letter: what is enclosed and how the passphrase reaches them (seed
/// 003 steps J and L), exemptions explained and the right to reply (step M), and the
/// information of Art 15(1)-(2).
const RESPONSE_COVER: &str = letter!(
    "Your {{ kind }}: our response

{% if is_complaint %}
Thank you for your complaint, which we received on {{ received_date }}. We have looked into it and this letter tells you the outcome.

{{ decision_reason or \"[Explain what you found, what you have done or will do, and why.]\" }}

If you are not satisfied, you have the right to complain to the Information Commissioner's Office: Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF; 0303 123 1113; ico.org.uk/make-a-complaint.
{% else %}
We enclose our response to your {{ kind }}, which we received on {{ received_date }}.

What is enclosed
A copy of your personal data as an encrypted file, with an index of what it contains and where each item came from.

The file is protected by a passphrase. For your security we will send you the passphrase separately, {{ passphrase_route }}. Please do not share it with anyone.
{% if decision_outcome == \"partly granted\" %}

Some information has not been included. {{ decision_reason or \"[Explain which exemption in the Data Protection Act 2018 applies, and why, for example information about other people.]\" }}
{% endif %}

About your personal data (UK GDPR Article 15)
- Why we use it: {{ purposes or \"[the purposes, for example managing your tenancy or the support we give you]\" }}.
- What kinds of personal data we hold: {{ data_categories or \"[the categories, for example contact details, tenancy records, support notes]\" }}.
- Who we share it with: {{ recipients or \"[the recipients or kinds of recipient, for example contractors who carry out repairs for us]\" }}.
- How long we keep it: {{ retention or \"[the period, or how it is decided, under our retention schedule]\" }}.
- Where it came from: {{ sources or \"from you, and [any other sources]\" }}.
{% if transfers %}
- Transfers outside the UK: {{ transfers }}.
{% endif %}
{% if automated_decisions %}
- Automated decisions: {{ automated_decisions }}.
{% elif register_complete %}
- Automated decisions: we do not make decisions about you by automated means alone.
{% else %}
- Automated decisions: we do not make decisions about you by automated means alone. [Change this if you do, and explain the logic and its effects.]
{% endif %}
- Your rights: you can ask us {{ rights or \"to correct your personal data, to erase it, to restrict how we use it, or object to how we use it\" }}. You can complain to the Information Commissioner's Office: Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF; 0303 123 1113; ico.org.uk/make-a-complaint.
{% endif %}

If you think anything is missing or wrong, please tell us{% if dpo_email %} at {{ dpo_email }}{% endif %}, quoting our reference {{ reference }}.
"
);

#[cfg(test)]
mod tests;
