//! The rights-requests pages: the list ([`list`]), logging a request ([`new`]), one
//! request ([`detail`]) with the forms posted from it ([`actions`]): its events
//! ([`event_forms`]), checklist and search log ([`search_log`]), and an erasure
//! request's tasks and certificate ([`erasure`]). The words for people are in
//! [`words`]. Correcting the subject's record under a rectification request is with the
//! subject pages.

pub mod actions;
pub mod detail;
pub mod erasure;
pub mod event_forms;
pub mod list;
pub mod new;
pub mod search_log;
pub mod words;

use crate::state::AppState;
use axum::routing::{get, post};

/// `GET /requests`, `POST /requests`, `GET /requests/new`, `GET /requests/{id}`,
/// `POST /requests/{id}/events`, `POST /requests/{id}/steps/{step}`,
/// `POST /requests/{id}/searches`, `POST /requests/{id}/assign`, erasure tasks
/// (`POST /requests/{id}/tasks`, `POST /requests/{id}/tasks/{task}`) and the erasure
/// certificate (`GET /requests/{id}/certificate`).
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/requests", get(list::list).post(new::create))
        .route("/requests/new", get(new::new_page))
        .route("/requests/{id}", get(detail::show))
        .route("/requests/{id}/events", post(actions::record))
        .route("/requests/{id}/steps/{step}", post(actions::set_step))
        .route("/requests/{id}/searches", post(actions::add_search))
        .route("/requests/{id}/assign", post(actions::assign))
        .route("/requests/{id}/tasks", post(actions::add_task))
        .route("/requests/{id}/tasks/{task}", post(actions::confirm_task))
        .route("/requests/{id}/certificate", get(erasure::certificate))
}
