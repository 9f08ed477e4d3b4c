//! The record of processing for the ICO and the board: downloading it as the ICO's
//! spreadsheet, CSV or JSON (`/activities/download`), importing the spreadsheet or CSV
//! with a check first that reports in words what would change and every problem by row
//! and column (`/activities/import`), and a readable, printable report for the board,
//! one section per activity grouped by business function (`/activities/report`).

use crate::session::SignedIn;
use crate::state::AppState;
use crate::ui::form::open_upload;
use crate::ui::kit::{PageContext, error_page, long_date, page, render, run};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use base64::Engine as _;
use std::collections::BTreeMap;
use steward_app::ropa::{LinkedActivity, MAX_ROPA_IMPORT_BYTES, RopaFormat, RopaImportReport};
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;
use steward_core::register::activity::{DpiaRequired, RecordKind};
use steward_core::register::entry::Entry;
use steward_core::register::lawful_basis::{ART9_CONDITIONS, LawfulBasis, SCHEDULE1_CONDITIONS};
use steward_core::subject::SpecialCategory;

/// Largest import form accepted: the file, or its base64 text on the second step.
const IMPORT_FORM_LIMIT: usize = MAX_ROPA_IMPORT_BYTES / 3 * 4 + 64 * 1024;

/// `GET /activities/download`, `POST /activities/import` and `GET /activities/report`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/activities/download", get(download))
        .route("/activities/import", post(import).layer(DefaultBodyLimit::max(IMPORT_FORM_LIMIT)))
        .route("/activities/report", get(report))
}

/// Which file to download.
#[derive(serde::Deserialize)]
struct DownloadQuery {
    #[serde(default)]
    format: String,
}

async fn download(State(s): State<AppState>, SignedIn(session): SignedIn, q: Result<Query<DownloadQuery>, QueryRejection>) -> Response {
    let Some(format) = q.ok().and_then(|Query(q)| RopaFormat::parse(&q.format)) else {
        return error_page(
            StatusCode::NOT_FOUND,
            "Page not found",
            "Choose the spreadsheet, CSV or JSON download from the record of processing.",
        );
    };
    let app = s.app.clone();
    match run(move || app.export_ropa(&session.ctx, format)).await {
        Ok(file) => {
            let mut resp = crate::files::attachment(&file.filename, format.media_type(), file.bytes);
            resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
            resp
        }
        Err(r) => r,
    }
}

/// One problem, in words.
struct ProblemLine {
    row: String,
    column: String,
    message: String,
}

#[derive(Template)]
#[template(path = "pages/ropa_import.html")]
struct ImportPage {
    page: PageContext,
    /// The file could not be read at all: why.
    unreadable: Option<String>,
    report: RopaImportReport,
    problems: Vec<ProblemLine>,
    /// For the second step: the file's name and its content as base64.
    filename: String,
    content: String,
}

fn problem(status: StatusCode, message: &str) -> Response {
    error_page(status, "The file was not imported", message)
}

/// A sentence with its first letter in capitals.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

async fn import(State(s): State<AppState>, SignedIn(session): SignedIn, req: Request) -> Response {
    let (app, ctx) = (s.app.clone(), session.ctx.clone());
    let check = move || app.require(&ctx, Permission::ManageRegisters, "activity", "");
    let mut mp = match open_upload(&s, &session.csrf, req, check, problem, "Choose the file to import.").await {
        Ok(mp) => mp,
        Err(r) => return r,
    };
    let too_large = || {
        problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("The file is larger than {} MB, the most a record of processing may be.", MAX_ROPA_IMPORT_BYTES / 1_048_576),
        )
    };
    let (mut filename, mut bytes, mut action) = (String::new(), Vec::new(), String::new());
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(),
            Err(_) => return problem(StatusCode::BAD_REQUEST, "The form could not be read. Choose the file again."),
        };
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" => {
                filename = field.file_name().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(b) => bytes = b.to_vec(),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(),
                    Err(_) => return problem(StatusCode::BAD_REQUEST, "The file could not be read. Choose it again."),
                }
            }
            "content" | "filename" | "action" => {
                let text = match field.text().await {
                    Ok(t) => t,
                    Err(_) => return problem(StatusCode::BAD_REQUEST, "The form could not be read. Choose the file again."),
                };
                match name.as_str() {
                    "content" => match base64::engine::general_purpose::STANDARD.decode(text.trim()) {
                        Ok(b) => bytes = b,
                        Err(_) => return problem(StatusCode::BAD_REQUEST, "The form was changed. Choose the file again."),
                    },
                    "filename" => filename = text,
                    _ => action = text,
                }
            }
            _ => {}
        }
    }
    if bytes.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "Choose the file to import: the spreadsheet (.xlsx) or CSV file.");
    }
    if bytes.len() > MAX_ROPA_IMPORT_BYTES {
        return too_large();
    }
    let format = RopaFormat::from_file_name(&filename)
        .filter(|f| *f != RopaFormat::Json)
        .unwrap_or(if bytes.starts_with(b"PK\x03\x04") { RopaFormat::Xlsx } else { RopaFormat::Csv });
    let dry_run = action != "import";
    let app = s.app.clone();
    let result = run(move || {
        let mut p = ImportPage {
            page: page(&app, &session, NAV),
            unreadable: None,
            report: RopaImportReport::default(),
            problems: Vec::new(),
            filename: filename.clone(),
            content: String::new(),
        };
        match app.import_ropa(&session.ctx, &bytes, format, dry_run) {
            Ok(report) => {
                p.problems = report
                    .problems
                    .iter()
                    .map(|pr| ProblemLine {
                        row: if pr.row == 0 { String::new() } else { pr.row.to_string() },
                        column: pr.column.clone(),
                        message: capitalised(&pr.message),
                    })
                    .collect();
                if report.dry_run && report.problems.is_empty() {
                    p.content = base64::engine::general_purpose::STANDARD.encode(&bytes);
                }
                p.report = report;
            }
            Err(AppError::Invalid(f)) => p.unreadable = Some(format!("The file {}.", f.message)),
            Err(e) => return Err(e),
        }
        Ok(p)
    })
    .await;
    match result {
        Ok(p) => {
            let status = if p.unreadable.is_some() || !p.problems.is_empty() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let mut resp = render(&p);
            *resp.status_mut() = status;
            resp
        }
        Err(r) => r,
    }
}

/// The menu key the pages sit under (the record of processing's).
const NAV: &str = "activity";

/// One activity in the board's report, in words.
struct ReportActivity {
    name: String,
    href: String,
    processor_record: bool,
    lines: Vec<(&'static str, String)>,
    purposes: Vec<(String, String, String)>,
}

/// One business function's activities.
struct ReportGroup {
    function: String,
    activities: Vec<ReportActivity>,
}

#[derive(Template)]
#[template(path = "pages/ropa_report.html")]
struct ReportPage {
    page: PageContext,
    today: String,
    organisations: Vec<(String, Vec<(&'static str, String)>)>,
    groups: Vec<ReportGroup>,
    count: usize,
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    let v: Vec<String> = items.into_iter().filter(|s| !s.is_empty()).collect();
    v.join("; ")
}

fn report_activity(l: &LinkedActivity) -> ReportActivity {
    let a = &l.activity.entry;
    let heading = |key: &str| {
        SpecialCategory::HEADINGS.iter().find(|(k, _)| *k == key).map_or_else(|| key.to_string(), |(_, h)| h.to_string())
    };
    let special = a.special_category.iter().map(|s| {
        let art9 = ART9_CONDITIONS.iter().find(|(k, _)| *k == s.art9_condition).map(|(_, w)| format!("Art 9(2){w}"));
        let sch1 = SCHEDULE1_CONDITIONS.iter().find(|(k, _)| *k == s.schedule1_condition).map(|(_, w)| format!("Schedule 1 {w}"));
        let conditions = list(art9.into_iter().chain(sch1));
        if conditions.is_empty() { heading(&s.category) } else { format!("{} ({conditions})", heading(&s.category)) }
    });
    let mut lines: Vec<(&'static str, String)> = vec![
        ("People", list(a.subject_categories.iter().cloned())),
        ("Personal data", list(a.data_categories.iter().cloned())),
        ("Special category and criminal offence data", list(special)),
        ("Shared with", list(a.recipients.iter().cloned())),
        ("Joint controller", a.joint_controller.clone()),
        ("Processed for", a.processing_for.clone()),
        ("Systems", list(l.systems.iter().map(|s| s.name.clone()))),
        ("Other locations", a.location.clone()),
        (
            "Processors",
            list(l.processors.iter().map(|p| {
                if p.derived.contract_in_place {
                    format!("{} (contract in place)", p.entry.name)
                } else {
                    format!("{} (no contract in place)", p.entry.name)
                }
            })),
        ),
        (
            "Transfers outside the UK",
            list(l.transfers.iter().map(|t| {
                let country = steward_core::register::country::name(&t.entry.destination_country)
                    .unwrap_or(&t.entry.destination_country);
                format!("{} ({country})", t.entry.recipient)
            })),
        ),
        ("Safeguards for exceptional transfers", a.exceptional_transfer_safeguards.clone()),
        ("Kept for", list(l.retention.iter().map(|r| format!("{}: {}", r.name, r.rule)))),
        ("Security measures", a.security_measures.clone()),
        ("Source of the data", a.source.clone()),
        ("Automated decision-making", a.automated_decisions.clone()),
        ("Privacy notices", list(l.notices.iter().map(|n| n.entry.title.clone()))),
        ("Data sharing agreements", list(l.sharing_agreements.iter().map(|s| s.entry.title.clone()))),
        (
            "DPIA",
            match a.dpia_required {
                DpiaRequired::Yes if a.dpia_progress.is_empty() => "Required".into(),
                DpiaRequired::Yes => format!("Required: {}", a.dpia_progress),
                DpiaRequired::No => "Not required".into(),
                DpiaRequired::NotAssessed => "Not yet assessed".into(),
            },
        ),
        (
            "Rights people have",
            if a.record == RecordKind::Processor {
                String::new()
            } else {
                list(l.activity.derived.rights.iter().map(|r| r.label().to_string()))
            },
        ),
        ("National data opt-out applies", if a.national_data_opt_out { "Yes".into() } else { String::new() }),
        (
            "Retained and erased as the policy says",
            match a.retained_per_policy {
                Some(true) => "Yes".into(),
                Some(false) => format!("No: {}", a.not_retained_reason),
                None => String::new(),
            },
        ),
    ];
    lines.retain(|(_, v)| !v.is_empty());
    ReportActivity {
        name: a.title().to_string(),
        href: format!("/activities/{}", l.activity.id),
        processor_record: a.record == RecordKind::Processor,
        purposes: a
            .purposes
            .iter()
            .map(|p| {
                let basis = LawfulBasis::parse(&p.lawful_basis).map_or_else(|| p.lawful_basis.clone(), |b| b.label().into());
                let detail = list([p.legitimate_interest.clone(), p.consent_purpose.clone()]);
                (p.purpose.clone(), basis, detail)
            })
            .collect(),
        lines,
    }
}

fn report_page(app: &App, session: &steward_app::auth::SessionInfo) -> AppResult<ReportPage> {
    let doc = app.ropa_linked(&session.ctx)?;
    let mut groups: BTreeMap<String, Vec<ReportActivity>> = BTreeMap::new();
    for l in &doc.activities {
        let f = l.activity.entry.business_function.trim();
        let f = if f.is_empty() { "Other".to_string() } else { f.to_string() };
        groups.entry(f).or_default().push(report_activity(l));
    }
    let organisations = doc
        .organisations
        .iter()
        .map(|o| {
            let e = &o.entry;
            let mut lines: Vec<(&'static str, String)> = vec![
                ("Address", e.address.clone()),
                ("Email", e.email.clone()),
                ("Telephone", e.telephone.clone()),
                ("ICO registration number", e.ico_registration_number.clone()),
                ("Data protection officer", list([e.dpo_name.clone(), e.dpo_contact.clone()])),
                ("Representative", e.representative.clone()),
            ];
            lines.retain(|(_, v)| !v.is_empty());
            (e.name.clone(), lines)
        })
        .collect();
    Ok(ReportPage {
        page: page(app, session, NAV),
        today: long_date(app.today()),
        organisations,
        count: doc.activities.len(),
        groups: groups.into_iter().map(|(function, activities)| ReportGroup { function, activities }).collect(),
    })
}

async fn report(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    match run(move || report_page(&app, &session)).await {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}
