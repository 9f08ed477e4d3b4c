//! The response-pack pages of an access or portability request: the review of every item
//! (withhold under an exemption, or undo), building the pack (the passphrase is shown
//! once, on the page that answers the build) and downloading built packs.

use crate::state::AppState;
use crate::session::{CsrfForm, SignedIn, redirect};
use crate::ui::form::{DoneQuery, FormErrors, Outcome, answer};
use crate::ui::kit::{PageContext, actor_names, field_label, page, render, render_status, run, sentence, uk_time, who};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use steward_app::packs::{BuiltPack, PackDecision};
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;
use steward_core::exemption::{EXEMPTIONS, Exemption, Treatment};

/// `GET /requests/{id}/pack`, `POST /requests/{id}/pack`, `POST /requests/{id}/pack-items`,
/// `POST /requests/{id}/pack-items/clear` and `GET /requests/{id}/packs/{pack}`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/requests/{id}/pack", get(review_page).post(build))
        .route("/requests/{id}/pack-items", post(decide))
        .route("/requests/{id}/pack-items/clear", post(clear))
        .route("/requests/{id}/packs/{pack}", get(download))
}

/// One item in the review table.
struct ItemLine {
    item: String,
    label: String,
    when: String,
    decision: Option<String>,
}

/// One built pack.
struct PackLine {
    id: String,
    when: String,
    by: String,
    items: i64,
    size: String,
    sha256: String,
}

#[derive(Template)]
#[template(path = "pages/pack_review.html")]
struct ReviewPage {
    page: PageContext,
    errors: FormErrors,
    request_id: String,
    reference: String,
    items: Vec<ItemLine>,
    exemptions: &'static [Exemption],
    packs: Vec<PackLine>,
    can_decide: bool,
    /// Searches of files with proposed redactions, in documents chosen for the pack, still
    /// to decide: (search id, when, how many).
    undecided: Vec<(String, String, i64)>,
}

#[derive(Template)]
#[template(path = "pages/pack_built.html")]
struct BuiltPage {
    page: PageContext,
    request_id: String,
    reference: String,
    pack: BuiltPack,
    size: String,
}

fn size_label(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{:.0} KB", (bytes as f64 / 1024.0).max(1.0))
    } else {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    }
}

/// The message after a decision.
const DONE: &[(&str, &str)] = &[("decided", "Decision recorded"), ("cleared", "The item will be given in full")];

fn review(
    app: &App,
    session: &steward_app::auth::SessionInfo,
    id: &str,
    errors: FormErrors,
) -> AppResult<Box<ReviewPage>> {
    let ctx = &session.ctx;
    let r = app.get_request(ctx, id)?;
    let review = app.pack_review(ctx, id)?;
    let names = actor_names(app, &session.ctx)?;
    let items = review
        .items
        .into_iter()
        .map(|c| ItemLine {
            decision: c.review.map(|r| {
                let what = match r.treatment {
                    Treatment::Withheld => "Withheld".to_string(),
                    Treatment::PartlyWithheld => format!("Partly withheld ({})", r.fields.join(", ")),
                };
                format!(
                    "{what} under {} ({}), by {} on {}",
                    r.exemption_title,
                    r.citation,
                    who(&names, &r.decided_by),
                    uk_time(&r.decided_at)
                )
            }),
            item: c.item,
            label: c.label,
            when: uk_time(&c.created_at),
        })
        .collect();
    let packs = app
        .packs(ctx, id)?
        .into_iter()
        .map(|p| PackLine {
            when: uk_time(&p.created_at),
            by: who(&names, &p.created_by),
            items: p.items,
            size: size_label(p.bytes),
            sha256: p.sha256,
            id: p.id,
        })
        .collect();
    let undecided = app
        .request_scans(ctx, id)?
        .into_iter()
        .filter(|sc| sc.undecided > 0)
        .map(|sc| (sc.id, uk_time(&sc.created_at), sc.undecided))
        .collect();
    Ok(Box::new(ReviewPage {
        undecided,
        page: page(app, session, "requests"),
        errors,
        request_id: id.into(),
        reference: r.reference,
        items,
        exemptions: EXEMPTIONS,
        packs,
        can_decide: session.user.role.can(Permission::SubjectUpdate),
    }))
}

async fn review_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    match run(move || review(&app, &session, &id, FormErrors::new())).await {
        Ok(mut p) => {
            p.page.flash = done.flash(DONE);
            render(p.as_ref())
        }
        Err(r) => r,
    }
}

/// The decision form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    item: String,
    treatment: String,
    exemption: String,
    fields: String,
    note: String,
}

async fn decide(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<DecisionForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let result = run(move || {
        let mut errors = FormErrors::new();
        let treatment = match form.treatment.as_str() {
            "withheld" => Some(Treatment::Withheld),
            "partly_withheld" => Some(Treatment::PartlyWithheld),
            _ => {
                errors.add("treatment", "Choose whether to withhold all or part of the item");
                None
            }
        };
        if let Some(treatment) = treatment {
            let d = PackDecision {
                item: form.item.clone(),
                treatment,
                exemption: form.exemption.clone(),
                fields: form.fields.split(',').map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect(),
                note: form.note.clone(),
            };
            match app.set_pack_decision(&session.ctx, &id, d) {
                Ok(_) => return Ok(Outcome::done(format!("/requests/{id}/pack?done=decided"))),
                Err(AppError::Invalid(f)) => {
                    let field = if f.field == "item" { "exemption".to_string() } else { f.field.clone() };
                    errors.add(field, sentence(&field_label(&f.field), &f.message));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Outcome::refused(review(&app, &session, &id, errors)?.as_ref()))
    })
    .await;
    answer(result)
}

/// The undo form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ClearForm {
    item: String,
}

async fn clear(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<ClearForm>) -> Response {
    let app = s.app.clone();
    let ctx = f.session.ctx;
    let target = id.clone();
    match run(move || app.clear_pack_decision(&ctx, &id, &f.form.item)).await {
        Ok(()) => redirect(&format!("/requests/{target}/pack?done=cleared")),
        Err(r) => r,
    }
}

async fn build(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<crate::ui::form::EmptyForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let result = run(move || {
        let r = app.request_outline(&session.ctx, &id)?;
        let pack = app.build_pack(&session.ctx, &id)?;
        Ok(BuiltPage {
            page: page(&app, &session, "requests"),
            request_id: id,
            reference: r.reference,
            size: size_label(pack.bytes),
            pack,
        })
    })
    .await;
    match result {
        Ok(p) => {
            let mut resp = render_status(StatusCode::CREATED, &p);
            // The passphrase is on this page only: never keep a copy of it.
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(r) => r,
    }
}

async fn download(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((id, pack)): Path<(String, String)>,
) -> Response {
    let app = s.app.clone();
    match run(move || app.download_pack(&session.ctx, &id, &pack)).await {
        Ok((info, zip)) => crate::files::pack_download(&info, zip),
        Err(r) => r,
    }
}
