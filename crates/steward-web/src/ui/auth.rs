//! Sign-in pages: first-run set-up, invitations, password and second-factor steps,
//! two-factor enrolment with a QR code drawn on the server, recovery codes, signing
//! out (here or everywhere), and the user's own account page.

use crate::session::{
    AnySession, CsrfForm, PendingForm, SignedIn, clear_cookie, redirect, redirect_with_cookie, set_cookie,
};
use crate::error::{ApiError, blocking};
use crate::state::AppState;
use crate::ui::form::{EmptyForm, FormErrors};
use crate::ui::kit::{PageContext, error_page, long_date, org_name, page, render, render_status};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use steward_app::auth::{SessionInfo, Stage};
use steward_app::{App, AppError};
use steward_core::Role;

/// The sign-in routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-in/code", get(code_page).post(code))
        .route("/sign-in/two-factor", get(enrol_page).post(enrol))
        .route("/sign-out", post(sign_out))
        .route("/sign-out-everywhere", post(sign_out_everywhere))
        .route("/setup", get(setup_page).post(setup))
        .route("/invitation", get(invitation_page).post(accept_invitation))
        .route("/account", get(account))
}

/// A page whose session is still signing in (no navigation, but a CSRF token).
fn pending_page(app: &App, s: &SessionInfo) -> PageContext {
    PageContext { org_name: org_name(app), user: None, csrf: s.csrf.clone(), nav: "", flash: None }
}

fn where_next(stage: Stage) -> &'static str {
    match stage {
        Stage::Full => "/",
        Stage::Totp => "/sign-in/code",
        Stage::Enrol => "/sign-in/two-factor",
    }
}

#[derive(Template)]
#[template(path = "auth/sign_in.html")]
struct SignInPage {
    page: PageContext,
    errors: FormErrors,
    email: String,
}

async fn sign_in_page(State(s): State<AppState>) -> Response {
    let app = s.app.clone();
    match blocking(move || Ok((app.user_count()?, org_name(&app)))).await {
        Ok((0, _)) => redirect("/setup"),
        Ok((_, org)) => {
            render(&SignInPage { page: PageContext::public(org), errors: FormErrors::new(), email: String::new() })
        }
        Err(e) => e.into_response(),
    }
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The client's address, for throttling (absent in tests without a socket).
pub fn client_of(req: &axum::http::Extensions) -> String {
    req.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".into(), |c| c.0.ip().to_string())
}

async fn sign_in(
    State(s): State<AppState>,
    ext: axum::http::Extensions,
    headers: axum::http::HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let app = s.app.clone();
    let email = f.email.clone();
    let client = client_of(&ext);
    // A browser signing in again gives up the session it had (its own or another's).
    let previous = crate::session::token_from_headers(&headers);
    let result = blocking(move || {
        let request_id = uuid::Uuid::new_v4().to_string();
        let outcome = app.sign_in_replacing(&f.email, &f.password, &client, &request_id, previous.as_deref());
        Ok((outcome, org_name(&app)))
    })
    .await;
    match result {
        Ok((Ok(session), _)) => {
            redirect_with_cookie(where_next(session.stage), set_cookie(&session.token, s.cookie_secure))
        }
        Ok((Err(e @ (AppError::SignInFailed | AppError::RateLimited)), org)) => {
            let status = if matches!(e, AppError::RateLimited) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let mut errors = FormErrors::new();
            errors.add("email", e.to_string());
            render_status(status, &SignInPage { page: PageContext::public(org), errors, email })
        }
        Ok((Err(e), _)) => ApiError::from(e).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "auth/code.html")]
struct CodePage {
    page: PageContext,
    errors: FormErrors,
}

async fn code_page(State(s): State<AppState>, session: AnySession) -> Response {
    if session.info.stage != Stage::Totp {
        return redirect(where_next(session.info.stage));
    }
    let app = s.app.clone();
    let page = blocking(move || Ok(pending_page(&app, &session.info))).await;
    match page {
        Ok(page) => render(&CodePage { page, errors: FormErrors::new() }),
        Err(e) => e.into_response(),
    }
}

/// A code form.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn code(State(s): State<AppState>, f: PendingForm<CodeForm>) -> Response {
    let app = s.app.clone();
    let (token, info) = (f.token.clone(), f.session.clone());
    let result = blocking(move || {
        let out = app.verify_second_factor(&token, &f.form.code, &info.ctx.request_id);
        Ok((out, pending_page(&app, &info)))
    })
    .await;
    match result {
        Ok((Ok(session), _)) => redirect_with_cookie("/", set_cookie(&session.token, s.cookie_secure)),
        Ok((Err(AppError::Invalid(fe)), page)) => {
            let mut errors = FormErrors::new();
            errors.add("code", fe.message);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &CodePage { page, errors })
        }
        Ok((Err(AppError::SignInFailed), _)) => redirect_with_cookie("/sign-in", clear_cookie(s.cookie_secure)),
        Ok((Err(e), _)) => ApiError::from(e).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "auth/enrol.html")]
struct EnrolPage {
    page: PageContext,
    errors: FormErrors,
    qr_svg: String,
    secret: String,
}

async fn enrol_page(State(s): State<AppState>, session: AnySession) -> Response {
    if session.info.stage == Stage::Totp {
        return redirect("/sign-in/code");
    }
    let app = s.app.clone();
    let result = blocking(move || {
        let e = app.start_enrolment(&session.token)?;
        let page = if session.info.stage == Stage::Full {
            page(&app, &session.info, "account")
        } else {
            pending_page(&app, &session.info)
        };
        Ok((e, page))
    })
    .await;
    match result {
        Ok((e, page)) => {
            render(&EnrolPage { page, errors: FormErrors::new(), qr_svg: e.qr_svg, secret: e.secret_base32 })
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "auth/recovery.html")]
struct RecoveryPage {
    page: PageContext,
    codes: Vec<String>,
}

async fn enrol(State(s): State<AppState>, f: PendingForm<CodeForm>) -> Response {
    let app = s.app.clone();
    let (token, info) = (f.token.clone(), f.session.clone());
    let result = blocking(move || {
        match app.confirm_enrolment(&token, &f.form.code, &info.ctx.request_id) {
            Ok((session, codes)) => {
                let fresh = app.session(&session.token, &info.ctx.request_id)?.unwrap_or(info.clone());
                Ok(Ok((session, codes, page(&app, &fresh, "account"))))
            }
            Err(AppError::Invalid(fe)) => {
                // Show the same secret again: the person may already have scanned it.
                let e = app.start_enrolment(&token)?;
                Ok(Err((fe.message, e, pending_page(&app, &info))))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Ok((session, codes, page))) => {
            let mut resp = render(&RecoveryPage { page, codes });
            resp.headers_mut().append(SET_COOKIE, set_cookie(&session.token, s.cookie_secure));
            resp
        }
        Ok(Err((message, e, page))) => {
            let mut errors = FormErrors::new();
            errors.add("code", message);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &EnrolPage { page, errors, qr_svg: e.qr_svg, secret: e.secret_base32 },
            )
        }
        Err(e) => e.into_response(),
    }
}

async fn sign_out(State(s): State<AppState>, f: CsrfForm<EmptyForm>) -> Response {
    let app = s.app.clone();
    let (token, ctx) = (f.token.clone(), f.session.ctx.clone());
    match blocking(move || app.sign_out(&token, &ctx)).await {
        Ok(()) => redirect_with_cookie("/sign-in", clear_cookie(s.cookie_secure)),
        Err(e) => e.into_response(),
    }
}

async fn sign_out_everywhere(State(s): State<AppState>, f: CsrfForm<EmptyForm>) -> Response {
    let app = s.app.clone();
    let ctx = f.session.ctx.clone();
    match blocking(move || app.sign_out_everywhere(&ctx)).await {
        Ok(_) => redirect_with_cookie("/sign-in", clear_cookie(s.cookie_secure)),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    page: PageContext,
    errors: FormErrors,
    code: String,
    display_name: String,
    email: String,
    role: String,
}

/// `?code=` on the set-up link.
#[derive(Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    code: String,
}

async fn setup_page(State(s): State<AppState>, Query(q): Query<CodeQuery>) -> Response {
    let app = s.app.clone();
    match blocking(move || Ok((app.user_count()?, org_name(&app)))).await {
        Ok((0, org)) => render(&SetupPage {
            page: PageContext::public(org),
            errors: FormErrors::new(),
            code: q.code,
            display_name: String::new(),
            email: String::new(),
            role: "dpo".into(),
        }),
        Ok(_) => redirect("/sign-in"),
        Err(e) => e.into_response(),
    }
}

/// The set-up form.
#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
}

async fn setup(State(s): State<AppState>, Form(f): Form<SetupForm>) -> Response {
    let app = s.app.clone();
    let echo = (f.code.clone(), f.display_name.clone(), f.email.clone(), f.role.clone());
    let result = blocking(move || {
        let role = match f.role.as_str() {
            "admin" => Role::Admin,
            "dpo" => Role::Dpo,
            _ => {
                return Ok(Err(steward_core::FieldError::new("role", "choose your role")));
            }
        };
        match app.complete_setup(&f.code, &f.email, &f.display_name, &f.password, role) {
            Ok(_) => Ok(Ok(app.sign_in(&f.email, &f.password, "setup", &uuid::Uuid::new_v4().to_string())?)),
            Err(AppError::Invalid(fe)) => Ok(Err(fe)),
            Err(AppError::Conflict(_)) => {
                Ok(Err(steward_core::FieldError::new("code", "set-up is already complete; sign in instead")))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Ok(session)) => redirect_with_cookie(where_next(session.stage), set_cookie(&session.token, s.cookie_secure)),
        Ok(Err(fe)) => {
            let app = s.app.clone();
            let org = blocking(move || Ok(org_name(&app))).await.unwrap_or_else(|_| "Steward".into());
            let mut errors = FormErrors::new();
            errors.add(fe.field, fe.message);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SetupPage {
                    page: PageContext::public(org),
                    errors,
                    code: echo.0,
                    display_name: echo.1,
                    email: echo.2,
                    role: echo.3,
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "auth/invite.html")]
struct InvitePage {
    page: PageContext,
    errors: FormErrors,
    token: String,
    display_name: String,
    email: String,
    role_label: String,
}

/// `?token=` on an invitation link.
#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn invitation_page(State(s): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    let app = s.app.clone();
    let token = q.token.clone();
    match blocking(move || Ok((app.invitation(&token)?, org_name(&app)))).await {
        Ok((Some(u), org)) => render(&InvitePage {
            page: PageContext::public(org),
            errors: FormErrors::new(),
            token: q.token,
            display_name: u.display_name,
            email: u.email,
            role_label: u.role.label().into(),
        }),
        Ok((None, _)) => error_page(
            StatusCode::NOT_FOUND,
            "This invitation has expired",
            "The link has expired or was already used. Ask your Steward administrator for a new invitation.",
        ),
        Err(e) => e.into_response(),
    }
}

/// The invitation form.
#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

async fn accept_invitation(State(s): State<AppState>, Form(f): Form<InviteForm>) -> Response {
    let app = s.app.clone();
    let token = f.token.clone();
    let result = blocking(move || match app.accept_invite(&f.token, &f.password) {
        Ok(_) => Ok(Ok(())),
        Err(AppError::Invalid(fe)) => Ok(Err((fe, app.invitation(&f.token)?, org_name(&app)))),
        Err(e) => Err(e),
    })
    .await;
    match result {
        Ok(Ok(())) => redirect("/sign-in"),
        Ok(Err((fe, Some(u), org))) => {
            let mut errors = FormErrors::new();
            errors.add(fe.field, fe.message);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &InvitePage {
                    page: PageContext::public(org),
                    errors,
                    token,
                    display_name: u.display_name,
                    email: u.email,
                    role_label: u.role.label().into(),
                },
            )
        }
        Ok(Err((_, None, _))) => error_page(
            StatusCode::NOT_FOUND,
            "This invitation has expired",
            "The link has expired or was already used. Ask your Steward administrator for a new invitation.",
        ),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "auth/account.html")]
struct AccountPage {
    page: PageContext,
    user: steward_app::auth::UserInfo,
    role_label: String,
    training: Option<String>,
}

async fn account(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    let info = session.clone();
    match blocking(move || Ok(page(&app, &info, "account"))).await {
        Ok(page) => {
            let user = session.user;
            let training = user.training_valid_until.map(long_date);
            let role_label = user.role.label().to_string();
            render(&AccountPage { page, user, role_label, training })
        }
        Err(e) => e.into_response(),
    }
}
