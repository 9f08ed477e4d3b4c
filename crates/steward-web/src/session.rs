//! Browser sessions: the session cookie, the extractors that require a signed-in
//! user (redirecting to sign-in otherwise), and CSRF-checked form bodies.
//!
//! The cookie is `HttpOnly`, `SameSite=Lax` and `Secure` (unless the operator turns
//! that off for plain-HTTP deployments); it holds a random token whose SHA-256 is
//! the only thing stored (OWASP ASVS v4 §3.2–3.4). Every state-changing form carries
//! the session's CSRF token, compared in constant time (§4.2.2).

use crate::error::blocking;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use serde::de::DeserializeOwned;
use steward_app::auth::{SessionInfo, Stage};

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "steward_session";
/// Name of the hidden form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// Largest form body accepted, in bytes.
pub const FORM_LIMIT: usize = 64 * 1024;

/// The session token from the request's cookies, if any.
pub fn token_from(parts: &Parts) -> Option<String> {
    token_from_headers(&parts.headers)
}

/// The session token from `headers`' cookies, if any.
pub fn token_from_headers(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE_NAME)
        .map(|c| c.value().to_string())
}

/// A `Set-Cookie` value that stores `token` for the session.
pub fn set_cookie(token: &str, secure: bool) -> HeaderValue {
    let c = Cookie::build((COOKIE_NAME, token.to_string()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build();
    HeaderValue::from_str(&c.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    let c = Cookie::build((COOKIE_NAME, ""))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    HeaderValue::from_str(&c.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `303 See Other` redirect to a path on this site.
pub fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(LOCATION, v);
    }
    r
}

/// A redirect that also sets the session cookie.
pub fn redirect_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    let mut r = redirect(to);
    r.headers_mut().append(SET_COOKIE, cookie);
    r
}

/// Any live session, whatever its stage, with its token.
pub struct AnySession {
    /// The session.
    pub info: SessionInfo,
    /// The cookie's token.
    pub token: String,
}

impl FromRequestParts<AppState> for AnySession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = token_from(parts) else { return Err(redirect("/sign-in")) };
        let app = state.app.clone();
        let t = token.clone();
        let request_id = uuid::Uuid::new_v4().to_string();
        match blocking(move || app.session(&t, &request_id)).await {
            Ok(Some(info)) => Ok(AnySession { info, token }),
            Ok(None) => Err(redirect_with_cookie("/sign-in", clear_cookie(state.cookie_secure))),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// A fully signed-in user. Anyone else is sent to the step of signing in they are at.
pub struct SignedIn(pub SessionInfo);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let s = AnySession::from_request_parts(parts, state).await?;
        match s.info.stage {
            Stage::Full => Ok(SignedIn(s.info)),
            Stage::Totp => Err(redirect("/sign-in/code")),
            Stage::Enrol => Err(redirect("/sign-in/two-factor")),
        }
    }
}

/// A form body from a signed-in user whose CSRF token matched their session.
pub struct CsrfForm<T> {
    /// The session.
    pub session: SessionInfo,
    /// The session's cookie token.
    pub token: String,
    /// The decoded form.
    pub form: T,
}

/// The error page for a missing or forged CSRF token.
fn csrf_refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        axum::response::Html(
            "<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Form expired – Steward</title>\
             <link rel=\"stylesheet\" href=\"/static/steward.css\"></head><body><main id=\"main\">\
             <h1>This form has expired</h1><p>For your security the form could not be accepted. \
             Go back, reload the page and try again.</p><p><a href=\"/\">Go to the dashboard</a></p></main></body></html>",
        ),
    )
        .into_response()
}

/// Decode an `application/x-www-form-urlencoded` body after checking its CSRF field
/// against `csrf`. Unknown fields other than the CSRF field are ignored by `T`'s own rules.
#[allow(clippy::result_large_err)] // the error is the response itself, as for axum's own rejections
pub fn decode_form<T: DeserializeOwned>(bytes: &[u8], csrf: &str) -> Result<T, Response> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).map_err(|_| bad_form())?;
    let given = pairs.iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.as_str()).unwrap_or("");
    if given.is_empty() || !steward_crypto::constant_time_eq(given, csrf) {
        return Err(csrf_refused());
    }
    serde_urlencoded::from_bytes(bytes).map_err(|_| bad_form())
}

fn bad_form() -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::response::Html("<!doctype html><title>Bad request</title><p>The form could not be read.</p>"),
    )
        .into_response()
}

async fn read_body(req: Request, state: &AppState) -> Result<(Parts, axum::body::Bytes), Response> {
    let (parts, body) = req.into_parts();
    let req = Request::from_parts(parts.clone(), body);
    let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            axum::response::Html("<!doctype html><title>Too large</title><p>The form is too large.</p>"),
        )
            .into_response()
    })?;
    if bytes.len() > FORM_LIMIT {
        return Err((StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response());
    }
    Ok((parts, bytes))
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, bytes) = read_body(req, state).await?;
        let SignedIn(session) = SignedIn::from_request_parts(&mut parts, state).await?;
        let token = token_from(&parts).unwrap_or_default();
        let form = decode_form(&bytes, &session.csrf)?;
        Ok(CsrfForm { session, token, form })
    }
}

/// Like [`CsrfForm`] for the sign-in steps, where the session is not yet full.
pub struct PendingForm<T> {
    /// The session (any stage).
    pub session: SessionInfo,
    /// The cookie's token.
    pub token: String,
    /// The decoded form.
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for PendingForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, bytes) = read_body(req, state).await?;
        let s = AnySession::from_request_parts(&mut parts, state).await?;
        let form = decode_form(&bytes, &s.info.csrf)?;
        Ok(PendingForm { session: s.info, token: s.token, form })
    }
}
