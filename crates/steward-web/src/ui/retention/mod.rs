//! The retention pages: the schedule in force ([`schedule`]), the records inventory
//! ([`inventory`]), adding a record ([`new_record`]) and one record with its facts and
//! holds ([`record`]), what a record's forms share ([`facts`]), words for people
//! ([`words`]) and the dashboard's panel ([`panel`]). Legal holds of every scope are in
//! [`crate::ui::holds`]; disposals have their own pages ([`crate::ui::disposals`]).

pub mod facts;
pub mod inventory;
pub mod new_record;
pub mod panel;
pub mod record;
pub mod schedule;
pub mod words;

use crate::state::AppState;
use crate::ui::holds;
use axum::routing::{get, post};

/// `/retention/schedule`, `/records`, `/records/new`, `/records/{id}` and
/// `/records/{id}/holds`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/retention/schedule", get(schedule::schedule_page).post(schedule::schedule_submit))
        .route("/records", get(inventory::records_list).post(new_record::create_record))
        .route("/records/new", get(new_record::new_record_page))
        .route("/records/{id}", get(record::record_page).post(record::update_record))
        .route("/records/{id}/holds", post(holds::place::<record::RecordHolds>))
}
