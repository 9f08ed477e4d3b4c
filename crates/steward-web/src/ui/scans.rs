//! The pages for searching files for a request's subject: the upload form's handler
//! (multipart, the CSRF token as its first part), and the review page of one search —
//! each document where the person was found, the hits, the proposed redactions with a
//! decision on each, whether it goes in the response pack, and a redacted preview.

use crate::state::AppState;
use crate::files::{SCAN_BODY_LIMIT, read_scan_upload};
use crate::session::{CsrfForm, SignedIn, redirect};
use crate::ui::form::{DoneQuery, Pairs, open_upload};
use crate::ui::kit::{
    PageContext, actor_names, error_page, failure_page, field_label, page, render, run, sentence, size_label, uk_time,
    who,
};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use steward_app::scans::{MAX_SCAN_BYTES, ProposalDecision, RedactionDecision, ScanDocumentReview, ScanView};
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;
use steward_core::request::RequestKind;

/// `POST /requests/{id}/scans`, `GET /requests/{id}/scans/{scan}` and
/// `POST /requests/{id}/scans/{scan}/documents/{doc}`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/requests/{id}/scans", post(upload).layer(axum::extract::DefaultBodyLimit::max(SCAN_BODY_LIMIT)))
        .route("/requests/{id}/scans/{scan}", get(show))
        .route("/requests/{id}/scans/{scan}/documents/{doc}", post(review))
}

#[derive(Template)]
#[template(path = "pages/scan.html")]
struct ScanPage {
    page: PageContext,
    request_id: String,
    reference: String,
    scan: ScanView,
    when: String,
    by: String,
    size: String,
    can_review: bool,
    /// Whether the request has a response pack (access, portability).
    pack_kind: bool,
}

fn scan_page(app: &App, session: &steward_app::auth::SessionInfo, id: &str, scan_id: &str) -> AppResult<ScanPage> {
    let ctx = &session.ctx;
    let r = app.get_request(ctx, id)?;
    let scan = app.request_scan(ctx, id, scan_id)?;
    let names = actor_names(app, &session.ctx)?;
    Ok(ScanPage {
        page: page(app, session, "requests"),
        request_id: id.into(),
        reference: r.reference,
        when: uk_time(&scan.summary.created_at),
        by: who(&names, &scan.summary.created_by),
        size: size_label(scan.summary.bytes),
        can_review: session.user.role.can(Permission::SubjectUpdate),
        pack_kind: matches!(r.kind, RequestKind::Access | RequestKind::Portability),
        scan,
    })
}

/// The message after an action.
const DONE: &[(&str, &str)] = &[
    ("searched", "The files were searched and the search recorded in the log"),
    ("saved", "Decisions saved"),
];

async fn show(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((id, scan)): Path<(String, String)>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    match run(move || scan_page(&app, &session, &id, &scan)).await {
        Ok(mut p) => {
            p.page.flash = done.flash(DONE);
            render(&p)
        }
        Err(r) => r,
    }
}

fn problem(status: StatusCode, message: &str) -> Response {
    error_page(status, "The files were not searched", message)
}

async fn upload(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (app, ctx, rid) = (s.app.clone(), session.ctx.clone(), id.clone());
    let check = move || app.check_request_scan(&ctx, &rid);
    let mp = match open_upload(&s, &session.csrf, req, check, problem, "Choose the files to search.").await {
        Ok(mp) => mp,
        Err(r) => return r,
    };
    let scan = match read_scan_upload(mp).await {
        Ok(scan) => scan,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!(
                    "The files are too large: one search takes up to {} MB. Search them in several goes.",
                    MAX_SCAN_BYTES / 1_048_576
                ),
            );
        }
        Err(e) if e.status() == StatusCode::UNPROCESSABLE_ENTITY => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Search at most 50 files at once; put more in a zip archive.",
            );
        }
        Err(_) => return problem(StatusCode::BAD_REQUEST, "The files could not be read. Choose them again."),
    };
    let app = s.app.clone();
    let ctx = session.ctx.clone();
    let target = id.clone();
    match tokio::task::spawn_blocking(move || app.run_request_scan(&ctx, &id, scan)).await {
        Ok(Ok(summary)) => redirect(&format!("/requests/{target}/scans/{}?done=searched", summary.id)),
        Ok(Err(AppError::Invalid(f))) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            &sentence(&field_label(&f.field), &f.message),
        ),
        Ok(Err(e)) => failure_page(e),
        Err(_) => problem(StatusCode::INTERNAL_SERVER_ERROR, "Try again later. The error has been logged."),
    }
}

/// The review form of one document, read as pairs: `included` (`no`, then `yes` when
/// ticked), `all` (`accept`/`reject`, from the buttons that decide every proposal) and
/// `p<N>` per proposal.
fn review_of(pairs: &Pairs) -> Result<ScanDocumentReview, String> {
    let decision = |v: &str| match v {
        "accept" => Ok(RedactionDecision::Accept),
        "reject" => Ok(RedactionDecision::Reject),
        "undecided" => Ok(RedactionDecision::Undecided),
        _ => Err(format!("“{v}” is not a decision; choose redact or disclose")),
    };
    let mut review = ScanDocumentReview::default();
    for (k, v) in &pairs.0 {
        match k.as_str() {
            "included" => review.included = Some(v == "yes" || review.included == Some(true)),
            "all" if !v.is_empty() => review.all = Some(decision(v)?),
            _ => {
                if let Some(n) = k.strip_prefix('p').and_then(|n| n.parse::<usize>().ok()) {
                    review.decisions.push(ProposalDecision { proposal: n, decision: decision(v)? });
                }
            }
        }
    }
    // A button that decides every proposal wins over the radios sent with it.
    if review.all.is_some() {
        review.decisions.clear();
    }
    Ok(review)
}

async fn review(
    State(s): State<AppState>,
    Path((id, scan, doc)): Path<(String, String, String)>,
    f: CsrfForm<Pairs>,
) -> Response {
    let review = match review_of(&f.form) {
        Ok(r) => r,
        Err(m) => return error_page(StatusCode::UNPROCESSABLE_ENTITY, "The decisions were not saved", &m),
    };
    let app = s.app.clone();
    let ctx = f.session.ctx;
    let (target, target_scan) = (id.clone(), scan.clone());
    match run(move || app.review_scan_document(&ctx, &id, &scan, &doc, review)).await {
        Ok(v) => redirect(&format!("/requests/{target}/scans/{target_scan}?done=saved#doc-{}", v.position)),
        Err(r) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Pairs {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn the_checkbox_after_its_hidden_field_includes() {
        let r = review_of(&pairs(&[("included", "no"), ("included", "yes")])).unwrap_or_default();
        assert_eq!(r.included, Some(true));
        let r = review_of(&pairs(&[("included", "no")])).unwrap_or_default();
        assert_eq!(r.included, Some(false));
    }

    #[test]
    fn a_decide_all_button_wins_over_the_radios() {
        let r = review_of(&pairs(&[("p0", "reject"), ("all", "accept")])).unwrap_or_default();
        assert_eq!(r.all, Some(RedactionDecision::Accept));
        assert!(r.decisions.is_empty());
        let r = review_of(&pairs(&[("p0", "reject"), ("p3", "accept")])).unwrap_or_default();
        assert_eq!(r.decisions.len(), 2);
        assert!(review_of(&pairs(&[("p0", "maybe")])).is_err());
    }
}
