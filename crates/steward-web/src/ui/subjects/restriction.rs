//! Restricting processing of a subject (UK GDPR Art 18), which anyone who may change the
//! record may do, and lifting it, which the DPO does after telling the person
//! (Art 18(3)).

use super::detail::{again, gone, gone_page};
use crate::session::CsrfForm;
use crate::state::AppState;
use crate::ui::form::{Example, FormErrors, Outcome, Pairs, answer};
use crate::ui::kit::{actor_names, page, refusal, run, sentence};
use axum::extract::{Path, State};
use axum::response::Response;
use steward_app::AppError;
use steward_app::erasure::RestrictionGround;
use steward_core::Permission;

/// `POST /subjects/{id}/restrict` with `ground`: restrict processing (Art 18).
pub(super) async fn restrict(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let ground = f.form.value("ground").to_string();
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "subject", &id)?;
        let message = match RestrictionGround::parse(&ground) {
            None => "Choose why processing is restricted".to_string(),
            Some(g) => match app.restrict_subject(&session.ctx, &id, g, None) {
                Ok(_) => return Ok(Outcome::done(format!("/subjects/{id}?done=restricted"))),
                Err(AppError::Gone(t)) => {
                    let g = gone_page(page(&app, &session, "subjects"), *t, &actor_names(&app, &session.ctx)?);
                    return Ok(Outcome::Page(gone(&g)));
                }
                Err(e) => refusal(e)?,
            },
        };
        again(&app, &session, &id, FormErrors::one("ground", message), |p| p.restrict_ground = ground)
    })
    .await;
    answer(result)
}

/// `POST /subjects/{id}/restriction/lift` with the day the person was told (`informed_on`,
/// as day, month and year): Art 18(3) requires telling them before lifting.
pub(super) async fn lift_restriction(
    State(s): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<Pairs>,
) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let typed = f.form.date("informed_on");
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageHolds, "subject", &id)?;
        let message = match typed.parse(Example::Birth) {
            Ok(None) => "Enter the date the person was told the restriction will be lifted".to_string(),
            Err(m) => sentence("The date they were told", m),
            Ok(Some(d)) => match app.lift_restriction(&session.ctx, &id, d) {
                Ok(()) => return Ok(Outcome::done(format!("/subjects/{id}?done=restriction_lifted"))),
                Err(AppError::Invalid(fe)) => sentence("The date they were told", &fe.message),
                Err(AppError::NotFound(_)) => "Processing of this person's data is not restricted".to_string(),
                Err(e) => return Err(e),
            },
        };
        again(&app, &session, &id, FormErrors::one("informed_on", message), |p| p.informed = typed)
    })
    .await;
    answer(result)
}
