//! Application errors as pages: running a blocking application call off the async
//! threads with its error turned into a friendly page, the refusal, not-found and
//! failure pages, and what a refusal because of the current state says to people.
//! Messages never contain personal data (the application's errors name fields, never
//! values).

use super::render::error_page;
use super::words::{field_label, sentence, uk_time};
use axum::http::StatusCode;
use axum::response::Response;
use steward_app::{AppError, AppResult, StoreError};

/// Run a blocking application call on the blocking pool; its error becomes a page.
pub async fn run<T, F>(f: F) -> Result<T, Response>
where
    F: FnOnce() -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(failure_page(e)),
        Err(_) => {
            tracing::error!("a page handler stopped unexpectedly");
            Err(error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service",
                "Try again later. The error has been logged.",
            ))
        }
    }
}

/// The page for a role that may not use a page (`403`).
pub fn forbidden_page() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "You cannot use this page",
        "Your role does not allow it. Ask your data protection officer if you need access.",
    )
}

/// The page for an id that matches nothing (`404`).
pub fn not_found_page() -> Response {
    error_page(StatusCode::NOT_FOUND, "Page not found", "There is nothing here. It may have been removed.")
}

/// The page for an application error.
pub fn failure_page(e: AppError) -> Response {
    match e {
        AppError::Forbidden(_) => forbidden_page(),
        AppError::NotFound(_) => not_found_page(),
        AppError::Gone(t) => error_page(
            StatusCode::GONE,
            "This person's data was erased",
            &format!("It was erased on {}. Nothing about them can be shown.", uk_time(&t.erased_at)),
        ),
        AppError::Invalid(f) => error_page(
            StatusCode::BAD_REQUEST,
            "There is a problem with what was sent",
            &sentence(&field_label(&f.field), &f.message),
        ),
        AppError::InvalidAll(all) => error_page(
            StatusCode::BAD_REQUEST,
            "There is a problem with what was sent",
            &all.iter().map(|f| sentence(&field_label(&f.field), &f.message)).collect::<Vec<_>>().join(" "),
        ),
        AppError::Unknown(_) => error_page(
            StatusCode::BAD_REQUEST,
            "There is a problem with what was sent",
            "One of the choices was not one of the options offered. Go back and choose again.",
        ),
        e @ (AppError::Conflict(_) | AppError::Constraint(_) | AppError::Restricted(_)) => {
            let message = refusal(e).unwrap_or_else(|_| CLASH.into());
            error_page(StatusCode::CONFLICT, "This cannot be done now", &message)
        }
        AppError::RateLimited => {
            error_page(StatusCode::TOO_MANY_REQUESTS, "Too many attempts", "Wait ten minutes and try again.")
        }
        AppError::SignInFailed => error_page(
            StatusCode::UNAUTHORIZED,
            "You are not signed in",
            "Your session has ended. Sign in again to carry on.",
        ),
        AppError::Store(StoreError::Unavailable(m)) => {
            tracing::warn!(error = %m, "storage unavailable");
            error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sorry, the service is unavailable",
                "The database is busy or cannot be reached. Try again in a few minutes.",
            )
        }
        AppError::Storage(fault) => {
            tracing::warn!(fault = fault.as_str(), "a page failed on storage");
            error_page(StatusCode::SERVICE_UNAVAILABLE, "Steward cannot save anything at the moment", fault.advice())
        }
        other => {
            tracing::error!(error = %other, "a page failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service",
                "Try again later. The error has been logged.",
            )
        }
    }
}

/// What people are told when the database refused a change (a duplicate or a missing
/// reference, usually from someone else's change at the same moment).
pub const CLASH: &str = "Your change was not saved because it clashes with what is already recorded. Go back, \
                         reload the page to see the latest version, and try again.";

/// What a refusal because of the current state says to people, by the error's type:
/// the application's own message for a conflict or a restriction of processing (legal
/// holds, work already done; never personal data), or [`CLASH`] for a database
/// constraint. Any other error is given back.
pub fn refusal(e: AppError) -> Result<String, AppError> {
    match e {
        AppError::Conflict(m) | AppError::Restricted(m) => Ok(conflict_message(&m)),
        AppError::Constraint(_) => Ok(CLASH.into()),
        other => Err(other),
    }
}

/// The application's message for a refusal because of the current state, as a sentence
/// for people ([`CLASH`] when it says nothing).
pub fn conflict_message(m: &str) -> String {
    if m.trim().is_empty() {
        return CLASH.into();
    }
    let mut out = sentence("This", m);
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_for_the_current_state_are_explained_by_type() {
        assert_eq!(conflict_message("a legal hold stands on this subject"), "A legal hold stands on this subject.");
        assert!(conflict_message("").starts_with("Your change was not saved"));
        let clash = refusal(AppError::Constraint("UNIQUE constraint failed: systems.name".into()));
        assert_eq!(clash.unwrap_or_default(), CLASH);
        // A message that happens to mention a constraint is still the application's own.
        let own = refusal(AppError::Conflict("this constraint was met".into()));
        assert_eq!(own.unwrap_or_default(), "This constraint was met.");
        let restricted = refusal(AppError::Restricted("processing of this subject is restricted".into()));
        assert_eq!(restricted.unwrap_or_default(), "Processing of this subject is restricted.");
        assert!(refusal(AppError::NotFound("x".into())).is_err());
    }
}
