//! Administration pages: users (invite, role, training, two-factor reset, unlock,
//! sessions, disable) and API tokens (create, revoke).

use crate::session::{CsrfForm, SignedIn, redirect};
use crate::error::{ApiError, blocking};
use crate::state::AppState;
use crate::ui::form::{Choice, EmptyForm, FormErrors};
use crate::ui::kit::{PageContext, forbidden_page, long_date, not_found_page, page, render, render_status, uk_time};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use steward_app::AppError;
use steward_app::auth::{INVITE_DAYS, UserInfo};
use steward_core::{FieldError, Permission, Role};

/// The administration routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/users", get(users).post(invite))
        .route("/users/new", get(invite_page))
        .route("/users/{id}", get(user_page))
        .route("/users/{id}/{action}", post(user_action))
        .route("/tokens", get(tokens).post(create_token))
        .route("/tokens/{id}/revoke", post(revoke_token))
}

/// The roles, with what each may do, for forms.
pub const ROLES: [Choice; 5] = [
    Choice { value: "dpo", label: "Data protection officer", hint: "Sees everything; decides requests and breaches." },
    Choice {
        value: "caseworker",
        label: "Caseworker",
        hint: "Works the cases assigned to them and sees the people in them.",
    },
    Choice {
        value: "staff",
        label: "Staff",
        hint: "Logs requests, breaches and disclosures; sees only what they logged.",
    },
    Choice {
        value: "auditor",
        label: "Auditor or trustee",
        hint: "Reads registers, reports and the audit log; never personal data.",
    },
    Choice { value: "admin", label: "Administrator", hint: "Manages users, settings and tokens; no personal data." },
];

/// The page for an error: the refusal and not-found pages, or the error itself.
fn failed(e: ApiError) -> Response {
    match e.status() {
        StatusCode::FORBIDDEN => forbidden_page(),
        StatusCode::NOT_FOUND => not_found_page(),
        _ => e.into_response(),
    }
}

struct UserRowView {
    id: String,
    display_name: String,
    email: String,
    role_label: String,
    totp: bool,
    status: String,
    sessions: i64,
}

fn status_of(u: &UserInfo) -> String {
    let locked = u
        .locked_until
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .is_some_and(|t| t > jiff::Timestamp::now());
    if u.disabled {
        "Disabled".into()
    } else if u.invited {
        "Invited".into()
    } else if locked {
        "Locked".into()
    } else {
        "Active".into()
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: PageContext,
    rows: Vec<UserRowView>,
}

async fn users(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    let result = blocking(move || {
        let list = app.list_users(&session.ctx)?;
        Ok((page(&app, &session, "users"), list))
    })
    .await;
    match result {
        Ok((page, list)) => render(&UsersPage {
            page,
            rows: list
                .into_iter()
                .map(|(u, sessions)| UserRowView {
                    id: u.id.clone(),
                    display_name: u.display_name.clone(),
                    email: u.email.clone(),
                    role_label: u.role.label().into(),
                    totp: u.totp_enabled,
                    status: status_of(&u),
                    sessions,
                })
                .collect(),
        }),
        Err(e) => failed(e),
    }
}

#[derive(Template)]
#[template(path = "admin/invite.html")]
struct InvitePage {
    page: PageContext,
    errors: FormErrors,
    display_name: String,
    email: String,
    role: String,
    roles: [Choice; 5],
}

async fn invite_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    let result = blocking(move || {
        app.require(&session.ctx, Permission::ManageAccess, "user", "")?;
        Ok(page(&app, &session, "users"))
    })
    .await;
    match result {
        Ok(page) => render(&InvitePage {
            page,
            errors: FormErrors::new(),
            display_name: String::new(),
            email: String::new(),
            role: "caseworker".into(),
            roles: ROLES,
        }),
        Err(e) => failed(e),
    }
}

/// The invitation form.
#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

#[derive(Template)]
#[template(path = "admin/invited.html")]
struct InvitedPage {
    page: PageContext,
    display_name: String,
    email: String,
    link: String,
    days: i64,
}

/// The site's own origin for links, from the request's `Host` header.
fn origin(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if host.starts_with("127.0.0.1") || host.starts_with("localhost") { "http" } else { "https" };
    format!("{scheme}://{host}")
}

async fn invite(State(s): State<AppState>, headers: HeaderMap, f: CsrfForm<InviteForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let echo = (form.display_name.clone(), form.email.clone(), form.role.clone());
    let result = blocking(move || {
        let page = page(&app, &session, "users");
        let Ok(role) = form.role.parse::<Role>() else {
            return Ok(Err((page, FieldError::new("role", "choose a role"))));
        };
        match app.invite_user(&session.ctx, &form.email, &form.display_name, role) {
            Ok((u, token)) => Ok(Ok((page, u, token))),
            Err(AppError::Invalid(fe)) => Ok(Err((page, fe))),
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Ok((page, u, token))) => render(&InvitedPage {
            page,
            display_name: u.display_name,
            email: u.email,
            link: format!("{}/invitation?token={token}", origin(&headers)),
            days: INVITE_DAYS,
        }),
        Ok(Err((page, fe))) => {
            let mut errors = FormErrors::new();
            errors.add(fe.field, fe.message);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &InvitePage { page, errors, display_name: echo.0, email: echo.1, role: echo.2, roles: ROLES },
            )
        }
        Err(e) => failed(e),
    }
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    page: PageContext,
    errors: FormErrors,
    user: UserInfo,
    role_label: String,
    role: String,
    status: String,
    training: Option<String>,
    training_value: String,
    sessions: i64,
    roles: [Choice; 5],
}

fn user_page_for(page: PageContext, errors: FormErrors, user: UserInfo, sessions: i64) -> UserPage {
    UserPage {
        page,
        errors,
        role_label: user.role.label().into(),
        role: user.role.as_str().into(),
        status: status_of(&user),
        training: user.training_valid_until.map(long_date),
        training_value: user.training_valid_until.map(|d| d.to_string()).unwrap_or_default(),
        sessions,
        user,
        roles: ROLES,
    }
}

async fn user_page(State(s): State<AppState>, SignedIn(session): SignedIn, Path(id): Path<String>) -> Response {
    let app = s.app.clone();
    let result = blocking(move || {
        let user = app.get_user(&session.ctx, &id)?;
        let sessions = app.list_users(&session.ctx)?.into_iter().find(|(u, _)| u.id == id).map_or(0, |(_, n)| n);
        Ok((page(&app, &session, "users"), user, sessions))
    })
    .await;
    match result {
        Ok((page, user, sessions)) => render(&user_page_for(page, FormErrors::new(), user, sessions)),
        Err(e) => failed(e),
    }
}

/// Fields of the forms on a user's page (each form sends one or none).
#[derive(Deserialize)]
pub struct UserActionForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    valid_until: String,
}

async fn user_action(
    State(s): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    f: CsrfForm<UserActionForm>,
) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let target = id.clone();
    let result = blocking(move || {
        let ctx = &session.ctx;
        let outcome: Result<(), AppError> = match action.as_str() {
            "role" => match form.role.parse::<Role>() {
                Ok(role) => app.set_user_role(ctx, &id, role).map(|_| ()),
                Err(_) => Err(AppError::Invalid(FieldError::new("role", "choose a role"))),
            },
            "training" => {
                let d = form.valid_until.trim();
                if d.is_empty() {
                    app.set_user_training(ctx, &id, None).map(|_| ())
                } else {
                    match d.parse::<jiff::civil::Date>() {
                        Ok(date) => app.set_user_training(ctx, &id, Some(date)).map(|_| ()),
                        Err(_) => Err(AppError::Invalid(FieldError::new(
                            "valid_until",
                            "enter a real date, for example 2027-03-31",
                        ))),
                    }
                }
            }
            "reset-2fa" => app.reset_user_2fa(ctx, &id).map(|_| ()),
            "unlock" => app.unlock_user(ctx, &id).map(|_| ()),
            "sessions" => app.revoke_user_sessions(ctx, &id).map(|_| ()),
            "disable" => app.set_user_disabled(ctx, &id, true).map(|_| ()),
            "enable" => app.set_user_disabled(ctx, &id, false).map(|_| ()),
            _ => return Err(AppError::NotFound("action".into())),
        };
        match outcome {
            Ok(()) => Ok(None),
            Err(AppError::Invalid(fe)) => {
                let user = app.get_user(ctx, &id)?;
                Ok(Some((page(&app, &session, "users"), fe, user)))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(None) => redirect(&format!("/users/{target}")),
        Ok(Some((page, fe, user))) => {
            let mut errors = FormErrors::new();
            errors.add(fe.field, fe.message);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &user_page_for(page, errors, user, 0))
        }
        Err(e) => failed(e),
    }
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    page: PageContext,
    errors: FormErrors,
    tokens: Vec<TokenLine>,
    new_secret: Option<String>,
    /// The roles the person may give a token: within their own.
    roles: Vec<Choice>,
    /// Whether they may give a token special-category data (they may see it now).
    may_grant_special: bool,
}

/// A token as the tokens page lists it.
struct TokenLine {
    id: String,
    name: String,
    role: &'static str,
    acts_for: String,
    special_category: bool,
    created: String,
    revoked: Option<String>,
}

/// The tokens page's content: every token in words, and what the person may create.
fn tokens_page(
    app: &steward_app::App,
    session: &steward_app::auth::SessionInfo,
    errors: FormErrors,
    new_secret: Option<String>,
) -> Result<TokensPage, AppError> {
    let users = app.list_users(&session.ctx)?;
    let tokens = app
        .list_tokens(&session.ctx)?
        .into_iter()
        .map(|t| TokenLine {
            acts_for: match &t.user_id {
                Some(u) => users
                    .iter()
                    .find(|(info, _)| &info.id == u)
                    .map_or_else(|| "A removed account".into(), |(info, _)| info.display_name.clone()),
                None => "The organisation".into(),
            },
            role: t.role.parse::<Role>().map_or("Unknown role", Role::label),
            special_category: t.special_category,
            created: uk_time(&t.created_at),
            revoked: t.revoked_at.as_deref().map(uk_time),
            id: t.id,
            name: t.name,
        })
        .collect();
    let roles = ROLES
        .iter()
        .filter(|c| c.value.parse::<Role>().is_ok_and(|r| session.ctx.role.may_issue_token(r)))
        .cloned()
        .collect();
    Ok(TokensPage {
        page: page(app, session, "tokens"),
        errors,
        tokens,
        new_secret,
        roles,
        may_grant_special: session.ctx.special_category,
    })
}

async fn tokens(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    match blocking(move || tokens_page(&app, &session, FormErrors::new(), None)).await {
        Ok(p) => render(&p),
        Err(e) => failed(e),
    }
}

/// The token form.
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    special_category: Option<String>,
}

async fn create_token(State(s): State<AppState>, f: CsrfForm<TokenForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let result = blocking(move || {
        let created = match form.role.parse::<Role>() {
            Ok(role) => app.create_token_with(
                &session.ctx,
                steward_app::tokens::NewToken {
                    name: &form.name,
                    role,
                    special_category: form.special_category.as_deref() == Some("yes"),
                },
            ),
            Err(_) => Err(AppError::Invalid(FieldError::new("role", "choose a role"))),
        };
        let (errors, secret) = match created {
            Ok((_, secret)) => (FormErrors::new(), Some(secret)),
            Err(AppError::Invalid(fe)) => {
                let mut e = FormErrors::new();
                e.add(fe.field, fe.message);
                (e, None)
            }
            Err(e) => return Err(e),
        };
        tokens_page(&app, &session, errors, secret)
    })
    .await;
    match result {
        Ok(p) => {
            let status = if p.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            render_status(status, &p)
        }
        Err(e) => failed(e),
    }
}

async fn revoke_token(
    State(s): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<EmptyForm>,
) -> Response {
    let app = s.app.clone();
    let ctx = f.session.ctx;
    match blocking(move || app.revoke_token(&ctx, &id)).await {
        Ok(()) => redirect("/tokens"),
        Err(e) => failed(e),
    }
}
