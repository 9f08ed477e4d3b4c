//! The API's error body `{"error":{"code","message","field"}}`, the one place
//! application errors become HTTP statuses, and running a blocking application call off
//! the async threads with its error mapped.

use crate::state::BODY_LIMIT;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use steward_app::{AppError, StoreError, Tombstone};
use steward_core::FieldError;
use utoipa::ToSchema;

/// Run a blocking application call on the blocking pool and map its error.
pub async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(_) => {
            tracing::error!("a request handler stopped unexpectedly");
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong on the server; the error has been logged",
            ))
        }
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
    /// For `410 Gone`: the erased subject's tombstone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tombstone: Option<Tombstone>,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code (`invalid`, `not_found`, `gone`, `forbidden`,
    /// `storage_unavailable` when the disk is full or read-only…).
    pub code: &'static str,
    /// Plain-English message. Never contains personal data.
    pub message: String,
    /// The field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// When several fields are at fault: every one, the first repeated above.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// One field at fault and what is wrong with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// The field (`purposes[0].lawful_basis`).
    pub field: String,
    /// What is wrong, in plain English.
    pub message: String,
}

/// An error response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
    problems: Vec<Problem>,
    tombstone: Option<Box<Tombstone>>,
    retry_after: Option<u32>,
}

/// Seconds a client is asked to wait (`Retry-After`) when the storage has failed: long
/// enough for someone to free space or fix permissions.
pub const STORAGE_RETRY_AFTER: u32 = 120;

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            problems: Vec::new(),
            tombstone: None,
            retry_after: None,
        }
    }

    /// Ask the client to try again after `seconds` (`Retry-After`).
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Name the field at fault.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// 401.
    pub fn unauthorised() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorised",
            "a valid API token is required: send 'Authorization: Bearer <token>'",
        )
    }

    /// 404 for an unknown route.
    pub fn no_route() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "there is no such API endpoint; see /api/v1/openapi.json")
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail { code: self.code, message: self.message, field: self.field, problems: self.problems },
            tombstone: self.tombstone.map(|t| *t),
        };
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED
            && let Ok(v) = axum::http::HeaderValue::from_str("Bearer")
        {
            resp.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, v);
        }
        resp
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(f) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", f.message).field(f.field)
            }
            AppError::InvalidAll(all) => {
                let first = all.first().cloned().unwrap_or_else(|| FieldError::new("", "is not valid"));
                let mut err =
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", first.message).field(first.field);
                if all.len() > 1 {
                    err.problems = all.into_iter().map(|f| Problem { field: f.field, message: f.message }).collect();
                }
                err
            }
            AppError::Unknown(c) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", c.to_string()),
            AppError::Forbidden(_) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", e.to_string()),
            AppError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string()),
            AppError::Gone(t) => {
                let mut err =
                    ApiError::new(StatusCode::GONE, "gone", format!("this subject was erased on {}", t.erased_at));
                err.tombstone = Some(t);
                err
            }
            AppError::Conflict(m) | AppError::Constraint(m) | AppError::Restricted(m) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", m)
            }
            AppError::Mail(m) => ApiError::new(StatusCode::BAD_GATEWAY, "mail_failed", m),
            AppError::SignInFailed => ApiError::new(StatusCode::UNAUTHORIZED, "sign_in_failed", e.to_string()),
            AppError::RateLimited => ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", e.to_string()),
            AppError::Store(StoreError::Unavailable(m)) => {
                tracing::warn!(error = %m, "storage unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the database is busy or unreachable; try again shortly",
                )
                .retry_after(5)
            }
            // A full or read-only disk is the operator's to fix, not a server bug: 503
            // with what to do (RFC 9110 §15.6.4: a temporary condition; Retry-After).
            AppError::Storage(fault) => {
                tracing::warn!(fault = fault.as_str(), "a request failed on storage");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable", fault.advice())
                    .retry_after(STORAGE_RETRY_AFTER)
            }
            other => {
                tracing::error!(error = %other, "request failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on the server; the error has been logged",
                )
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => {
                // The text is "Failed to …: <path>: <problem> at line L column C", where the
                // path (from serde_path_to_error) is the field at fault, e.g.
                // "categories[0]: unknown variant `…`" or "surname: unknown field `surname`".
                let msg = e.body_text();
                let detail = msg.split_once(": ").map_or(msg.as_str(), |(_, d)| d);
                let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", strip_values(detail));
                err.field = field_at_fault(detail);
                err
            }
            JsonRejection::JsonSyntaxError(e) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not valid JSON: {}", strip_values(&e.body_text())),
            ),
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with 'Content-Type: application/json'",
            ),
            JsonRejection::BytesRejection(_) => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the body is larger than the limit of {} bytes", BODY_LIMIT),
            ),
            other => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", other.body_text()),
        }
    }
}

/// serde quotes offending string values (`invalid value: string "Jane"`) and puts other
/// values in backticks (``unknown variant `Jane` ``, ``integer `42` ``, and jiff's
/// ``for `1980-02` is invalid``); keep the structure of the message but drop the values,
/// which may be personal data. Backticked field names (``unknown field `surname` ``) and
/// the allowed values after "expected" come from the schema and are kept.
fn strip_values(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut quote: Option<char> = None;
    let mut keep = false;
    for c in msg.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                if keep {
                    out.push(c);
                }
            }
            Some(_) => {
                if keep {
                    out.push(c);
                }
            }
            None if c == '"' || c == '`' => {
                quote = Some(c);
                keep = c == '`' && (out.ends_with("field ") || out.contains("expected"));
                out.push(c);
                if !keep {
                    out.push('…');
                    out.push(c);
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// The field a serde data error is about: the path before the first `: ` when there is
/// one (`addresses[0].postcode`), else a missing or unknown field named in backticks.
fn field_at_fault(detail: &str) -> Option<String> {
    let (path, problem) = match detail.split_once(": ") {
        Some((p, rest)) if !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || "_.[]".contains(c)) => {
            (Some(p), rest)
        }
        _ => (None, detail),
    };
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|pre| problem.strip_prefix(pre))
        .and_then(|rest| rest.split('`').next());
    match (path, named) {
        (Some(p), Some(n)) if problem.starts_with("missing") => Some(format!("{p}.{n}")),
        (Some(p), _) => Some(p.to_string()),
        (None, n) => n.map(str::to_string),
    }
}

impl From<QueryRejection> for ApiError {
    /// A 400 naming the parameter at fault when there is one (`limit: invalid digit
    /// found in string`), without the value.
    fn from(r: QueryRejection) -> Self {
        let text = r.body_text();
        let detail = text.split_once(": ").map_or(text.as_str(), |(_, d)| d);
        let mut err = ApiError::new(StatusCode::BAD_REQUEST, "bad_query", strip_values(&text));
        err.field = field_at_fault(detail);
        err
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_path", r.body_text())
    }
}

/// A JSON request body that must be an object, decoded into `T`.
///
/// Like axum's `Json`, but a body that is valid JSON of another shape (an array,
/// a string) is refused instead of being read positionally into `T`'s fields.
pub struct JsonObject<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for JsonObject<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(JsonRejection::MissingJsonContentType(Default::default()).into());
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the body is larger than the limit of {} bytes", BODY_LIMIT),
            )
        })?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            // Valid JSON that is not an object, or not JSON at all: tell them which.
            return Err(if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok() {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "the body must be a JSON object")
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", "the body is not valid JSON")
            });
        }
        axum::Json::<T>::from_bytes(&bytes).map(|axum::Json(v)| JsonObject(v)).map_err(ApiError::from)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_values_are_dropped() {
        assert_eq!(
            super::strip_values(r#"invalid value: string "Jane Smith", expected a date"#),
            r#"invalid value: string "…", expected a date"#
        );
        assert_eq!(
            super::strip_values("categories[0]: unknown variant `Jane Smith`, expected one of `tenant`, `other`"),
            "categories[0]: unknown variant `…`, expected one of `tenant`, `other`"
        );
        assert_eq!(
            super::strip_values("date_of_birth: parameter 'day' for `1980-02` is invalid, must be in range `1..=29`"),
            "date_of_birth: parameter 'day' for `…` is invalid, must be in range `…`"
        );
        assert_eq!(
            super::strip_values("surname: unknown field `surname`, expected `a` or `b`"),
            "surname: unknown field `surname`, expected `a` or `b`"
        );
    }

    #[test]
    fn the_field_at_fault_is_the_path_not_a_value() {
        let f = |d: &str| super::field_at_fault(d);
        assert_eq!(f("surname: unknown field `surname`, expected one of `given_name`").as_deref(), Some("surname"));
        assert_eq!(f("addresses[0].street: unknown field `street`").as_deref(), Some("addresses[0].street"));
        assert_eq!(f("categories[0]: unknown variant `Jane`, expected `tenant`").as_deref(), Some("categories[0]"));
        assert_eq!(f("missing field `role` at line 1 column 12").as_deref(), Some("role"));
        assert_eq!(f("identifiers: missing field `x`").as_deref(), Some("identifiers.x"));
        assert_eq!(f("invalid type: integer `42`, expected struct NewSubject").as_deref(), None);
    }
}
