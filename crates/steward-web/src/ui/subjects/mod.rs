//! The subjects pages: search ([`search`]), adding and changing a subject ([`edit`], with
//! the form in [`subject_form`]), a subject's page ([`detail`], every view audited by the
//! application), links between people and who may open a record ([`links`]), erasure
//! with a confirmation that says exactly what will be destroyed ([`erase`]), restriction
//! of processing ([`restriction`]), the case file ([`case_file`], [`notes`]), consents and
//! the privacy notices the person received ([`consents`]) and
//! correcting a record under a rectification request ([`rectify`]). Legal holds on a
//! person are placed and lifted from their page through [`crate::ui::holds`].

pub mod case_file;
pub mod consents;
pub mod detail;
pub mod edit;
pub mod erase;
pub mod links;
pub mod notes;
pub mod rectify;
pub mod restriction;
pub mod search;
pub mod subject_form;

use crate::state::AppState;
use crate::ui::holds;
use axum::routing::{get, post};

/// The subjects routes, with restriction of processing, legal holds, the case file, and
/// correcting a record under a rectification request (`/requests/{id}/rectify`, which
/// reuses the subject form).
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/subjects", get(search::search_page).post(edit::create))
        .route("/subjects/search", get(search::back_to_search).post(search::search))
        .route("/subjects/new", get(edit::new_page))
        .route("/subjects/{id}", get(detail::subject_page))
        .route("/subjects/{id}/edit", get(edit::edit_page).post(edit::edit))
        .route("/subjects/{id}/links", post(links::add_link))
        .route("/subjects/{id}/erase", get(erase::erase_page).post(erase::erase))
        .route("/subjects/{id}/access", post(links::assign))
        .route("/subjects/{id}/access/{user}/remove", post(links::unassign))
        .route("/subjects/{id}/restrict", post(restriction::restrict))
        .route("/subjects/{id}/restriction/lift", post(restriction::lift_restriction))
        .route("/subjects/{id}/holds", post(holds::place::<detail::SubjectHolds>))
        .route("/subjects/{id}/holds/{hold}/lift", post(holds::lift::<detail::SubjectHolds>))
        .route("/subjects/{id}/notes", post(notes::add_note))
        .route("/subjects/{id}/documents", post(notes::upload))
        .route("/subjects/{id}/documents/{doc}", get(notes::download))
        .route("/subjects/{id}/consents", post(consents::record))
        .route("/subjects/{id}/consents/{consent}/withdraw", post(consents::withdraw))
        .route("/subjects/{id}/notices", post(consents::record_receipt))
        .route("/requests/{id}/rectify", get(rectify::rectify_page).post(rectify::rectify))
}
