//! The public pages (no sign-in): the request and complaint form (`GET /request` shows it
//! and `POST /request` sends it; the confirmation is the answer to the POST, so no
//! personal data or reference ever appears in a URL), and the privacy notice in effect
//! (`GET /privacy`, UK GDPR Art 12(1): easily accessible, in clear and plain language).

use crate::state::AppState;
use crate::ui::form::{Choice, FormErrors};
use crate::ui::kit::{MessagePage, PageContext, error_page, long_date, render, render_status};
use askama::Template;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use std::net::SocketAddr;
use steward_app::{AppError, StoreError};
use steward_app::public::{PublicInput, Receipt, Right, SubmissionKind, SubmitError};

/// Largest form body accepted: 5,000 characters of details at up to 9 bytes each
/// once UTF-8 and URL-encoded, and room for the rest.
pub const FORM_BODY_LIMIT: usize = 96 * 1024;

/// `GET /request` and `POST /request`, and `GET /privacy`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/request", get(show_form).post(submit_form))
        .route("/privacy", get(show_privacy))
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
}

/// One privacy notice as the public page shows it: its text as paragraphs (split at
/// blank lines), each a list of lines, every one escaped by the template.
struct NoticeText {
    title: String,
    version: String,
    audience: String,
    effective_on: String,
    paragraphs: Vec<Vec<String>>,
}

/// The privacy notices in effect.
#[derive(Template)]
#[template(path = "public/privacy.html")]
struct PrivacyPage {
    page: PageContext,
    notices: Vec<NoticeText>,
}

/// `text` as paragraphs: split at blank lines, each paragraph's lines kept (trailing
/// spaces dropped), empty paragraphs left out.
fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.to_string());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `GET /privacy`: the privacy notice in effect today (of each notice, the version that
/// took effect last), for anyone; a page saying so, `404`, when none is in effect.
async fn show_privacy(State(s): State<AppState>) -> Response {
    let app = s.app.clone();
    let loaded =
        tokio::task::spawn_blocking(move || Ok::<_, AppError>((app.org_settings()?.org_name, app.current_privacy_notices()?)))
            .await;
    let (org, notices) = match loaded {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return failure_page(&e),
        Err(_) => return crashed(),
    };
    let org = org_or_default(org);
    if notices.is_empty() {
        let page = MessagePage {
            page: PageContext::public(org),
            heading: "There is no privacy notice to show".into(),
            paragraphs: vec![
                "No privacy notice is in effect at the moment, so there is nothing to show here.".into(),
                "If you want to know how your personal information is used, you can ask us: use the request form."
                    .into(),
            ],
            link: Some(("/request".into(), "Make a request about your personal information".into())),
        };
        return render_status(StatusCode::NOT_FOUND, &page);
    }
    let notices = notices
        .into_iter()
        .map(|n| NoticeText {
            paragraphs: paragraphs(&n.text),
            title: n.title,
            version: n.version,
            audience: n.audience,
            effective_on: long_date(n.effective_on),
        })
        .collect();
    render(&PrivacyPage { page: PageContext::public(org), notices })
}

const KINDS: &[Choice] = &[
    Choice {
        value: "request",
        label: "Make a request about my personal information",
        hint: "For example, get a copy of it, correct it or have it deleted.",
    },
    Choice {
        value: "complaint",
        label: "Make a complaint",
        hint: "About how we have collected, used, shared or looked after personal information.",
    },
];

const YES_NO: &[Choice] =
    &[Choice { value: "yes", label: "Yes", hint: "" }, Choice { value: "no", label: "No", hint: "" }];

const DETAILS_HINT: &str = "Tell us what you want us to do, or what went wrong and when. Include any dates, names or reference numbers that will help us find your information. You can use up to 5,000 characters.";

fn rights() -> Vec<Choice> {
    Right::ALL.iter().map(|r| Choice { value: r.as_str(), label: r.label(), hint: r.hint() }).collect()
}

/// The form, blank or with the answers and problems of a previous attempt.
#[derive(Template)]
#[template(path = "public/request_form.html")]
struct FormPage {
    page: PageContext,
    input: PublicInput,
    errors: FormErrors,
    form_token: String,
    kinds: &'static [Choice],
    rights: Vec<Choice>,
    yes_no: &'static [Choice],
    details_hint: &'static str,
}

impl FormPage {
    fn new(org_name: String, input: PublicInput, errors: FormErrors, form_token: String) -> Self {
        Self {
            page: PageContext::public(org_name),
            input,
            errors,
            form_token,
            kinds: KINDS,
            rights: rights(),
            yes_no: YES_NO,
            details_hint: DETAILS_HINT,
        }
    }
}

/// The confirmation: reference and dates only.
#[derive(Template)]
#[template(path = "public/request_done.html")]
struct DonePage {
    page: PageContext,
    kind_label: &'static str,
    is_complaint: bool,
    reference: String,
    received_on: String,
    due_by: String,
}

impl DonePage {
    fn new(org_name: String, r: &Receipt) -> Self {
        Self {
            page: PageContext::public(org_name),
            kind_label: r.kind.label(),
            is_complaint: r.kind == SubmissionKind::Complaint,
            reference: r.reference.clone(),
            received_on: long_date(r.received_on),
            due_by: long_date(r.due_by),
        }
    }
}

fn org_or_default(name: String) -> String {
    if name.trim().is_empty() { "Steward".to_string() } else { name }
}

/// The page for an application error that is not the sender's fault.
fn failure_page(e: &AppError) -> Response {
    match e {
        AppError::Store(StoreError::Unavailable(m)) => {
            tracing::warn!(error = %m, "storage unavailable");
            error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sorry, the service is unavailable",
                "The service is busy or cannot reach its database. Try again in a few minutes.",
            )
        }
        AppError::Storage(fault) => {
            tracing::warn!(fault = fault.as_str(), "the public form failed on storage");
            error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sorry, the service is unavailable",
                "Your form has not been sent: the service cannot save anything at the moment. Try again later.",
            )
        }
        other => {
            tracing::error!(error = %other, "the public form failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service",
                "Your form has not been sent. Try again later.",
            )
        }
    }
}

fn crashed() -> Response {
    tracing::error!("a public form handler stopped unexpectedly");
    error_page(StatusCode::INTERNAL_SERVER_ERROR, "Sorry, there is a problem with the service", "Try again later.")
}

async fn show_form(State(s): State<AppState>) -> Response {
    let app = s.app.clone();
    let loaded =
        tokio::task::spawn_blocking(move || app.org_settings().map(|o| (o.org_name, app.public_form_token()))).await;
    match loaded {
        Ok(Ok((org, token))) => {
            render(&FormPage::new(org_or_default(org), PublicInput::default(), FormErrors::new(), token))
        }
        Ok(Err(e)) => failure_page(&e),
        Err(_) => crashed(),
    }
}

/// The client a submission is counted against: the peer's IP address, or `unknown`
/// when the server was not started with connection information (tests).
fn client_key(req: &Request) -> String {
    req.extensions().get::<ConnectInfo<SocketAddr>>().map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string())
}

async fn submit_form(State(s): State<AppState>, req: Request) -> Response {
    let client = client_key(&req);
    let input = match axum::Form::<PublicInput>::from_request(req, &s).await {
        Ok(axum::Form(input)) => input,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Your form is too large to send",
                "Go back, shorten the details to 5,000 characters or fewer, and send it again.",
            );
        }
        Err(_) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "Your form could not be read",
                "Go back to the form, check your answers and send it again.",
            );
        }
    };
    let app = s.app.clone();
    let kept = input.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let result = app.submit(input, &client);
        let org = app.org_settings().map(|o| o.org_name).unwrap_or_default();
        (result, org, app.public_form_token())
    })
    .await;
    let Ok((result, org, token)) = outcome else {
        return crashed();
    };
    let org = org_or_default(org);
    let again = |errors: FormErrors| {
        // Keep what was typed, except the honeypot and the old token.
        let input = PublicInput { website: String::new(), form_token: String::new(), ..kept.clone() };
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &FormPage::new(org.clone(), input, errors, token.clone()))
    };
    match result {
        Ok(receipt) => render(&DonePage::new(org, &receipt)),
        Err(SubmitError::Invalid(problems)) => again(problems.into()),
        Err(SubmitError::TooFast) => {
            let mut e = FormErrors::new();
            e.add("send", "The form was sent very quickly, so we could not tell whether a person sent it. Check your answers and select Send again.");
            again(e)
        }
        Err(SubmitError::Expired) => {
            let mut e = FormErrors::new();
            e.add("send", "The form had expired (forms last 2 hours), so it was not sent. Your answers are below: check them and select Send again.");
            again(e)
        }
        Err(SubmitError::AlreadySent) => {
            // The answers are not shown again: the first send was accepted.
            let page = MessagePage {
                page: PageContext::public(org),
                heading: "This form has already been sent".into(),
                paragraphs: vec![
                    "We received this form the first time it was sent, so it has not been sent again.".into(),
                    "Your reference was on the page shown after you sent it. Keep it: we will use it when we contact you."
                        .into(),
                    "If you want to make another request or complaint, start a new form.".into(),
                ],
                link: Some(("/request".into(), "Start a new form".into())),
            };
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(SubmitError::RateLimited { retry_after_secs }) => {
            let minutes = (retry_after_secs + 59) / 60;
            let wait = if minutes >= 60 * 24 { "a day".to_string() } else { format!("{minutes} minutes") };
            let page = MessagePage {
                page: PageContext::public(org),
                heading: "Too many forms sent".into(),
                paragraphs: vec![
                    "Sorry, too many forms have been sent from your connection recently, so this one was not sent."
                        .into(),
                    format!("To protect this service, please wait {wait} and try again."),
                    "If you need to contact us urgently, please use the contact details on our website.".into(),
                ],
                link: Some(("/request".into(), "Go back to the form".into())),
            };
            let mut resp = render_status(StatusCode::TOO_MANY_REQUESTS, &page);
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        Err(SubmitError::App(e)) => failure_page(&e),
    }
}
