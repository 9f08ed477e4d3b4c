//! The record of processing's pages for the ICO and the board: the downloads and the
//! import offered on the register's page (the import to those who manage registers),
//! a download as an attachment, the board's report grouped by business function, and an
//! import that checks the file and reports in words before anything is written, then
//! imports it; a file with problems is refused naming row and column. Driven in-process
//! through the whole router, signed in through the sign-in form. All data fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use steward_app::Context;
use steward_core::register::activity::{Activity, Purpose};
use steward_testkit::{Database, Fixture, on_both_backends};

use crate::common::page_client::{Resp, Team, User};

struct Env(Team);

on_both_backends!(the_register_page_offers_downloads_a_report_and_an_import_checked_first);

impl std::ops::Deref for Env {
    type Target = Team;
    fn deref(&self) -> &Team {
        &self.0
    }
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        Self(Team::new(db))
    }
}

impl Env {
    /// A multipart form post: the CSRF token first, then `fields`, then the file if any.
    fn upload(&self, user: &User, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Resp {
        let boundary = "RoPaBoUnDaRy42";
        let mut body = Vec::new();
        let mut all = vec![("_csrf", user.csrf.as_str())];
        all.extend_from_slice(fields);
        for (name, value) in all {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((filename, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                     Content-Type: text/csv\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send(
            Request::builder()
                .method(Method::POST)
                .uri("/activities/import")
                .header(header::COOKIE, &user.cookie)
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                .body(Body::from(body))
                .unwrap(),
        )
    }
}

fn activity(name: &str, function: &str, purpose: &str, basis: &str) -> Activity {
    Activity {
        name: name.into(),
        business_function: function.into(),
        subject_categories: vec!["Tenants".into()],
        purposes: vec![Purpose { purpose: purpose.into(), lawful_basis: basis.into(), ..Purpose::default() }],
        ..Activity::default()
    }
}

/// The value of the hidden input `name` on a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name} on the page")) + marker.len();
    let raw = html[at..].split('"').next().unwrap();
    // As a browser reads it back: the entities the template may have written.
    let mut out = raw.to_string();
    for (entity, c) in
        [("&#x2f;", "/"), ("&#47;", "/"), ("&#43;", "+"), ("&#x2b;", "+"), ("&#61;", "="), ("&#x3d;", "=")]
    {
        out = out.replace(entity, c);
    }
    out.replace("&amp;", "&")
}

fn the_register_page_offers_downloads_a_report_and_an_import_checked_first(env: &Env) {
    let cli = Context::cli();
    env.app
        .register_create(&cli, activity("Tenancy management", "Housing management", "Managing tenancies", "contract"))
        .unwrap();
    env.app.register_create(&cli, activity("Payroll", "Human resources", "Paying staff", "contract")).unwrap();

    let page = env.get(&env.dpo, "/activities");
    page.assert_status(StatusCode::OK)
        .assert_has("Download for the ICO (spreadsheet)")
        .assert_has("/activities/download?format=csv")
        .assert_has("/activities/download?format=json")
        .assert_has("Report for the board")
        .assert_has("Import from a spreadsheet or CSV file");
    env.get(&env.staff, "/activities")
        .assert_has("Download for the ICO (spreadsheet)")
        .assert_lacks("Import from a spreadsheet or CSV file");
    env.get(&env.dpo, "/processors").assert_lacks("Download for the ICO");

    let csv = env.get(&env.staff, "/activities/download?format=csv");
    csv.assert_status(StatusCode::OK).assert_has("Business function,Purpose of processing");
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv");
    assert!(csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment;"));
    env.get(&env.staff, "/activities/download?format=pdf").assert_status(StatusCode::NOT_FOUND);

    let report = env.get(&env.auditor, "/activities/report");
    report
        .assert_status(StatusCode::OK)
        .assert_has("Record of processing activities")
        .assert_has("<h2>Housing management</h2>")
        .assert_has("<h2>Human resources</h2>")
        .assert_has("Contract (Art 6(1)(b))");
    assert!(report.at("<h2>Housing management</h2>") < report.at("<h2>Human resources</h2>"), "grouped, in order");

    // A file with a new activity: checked first, reported in words, then imported.
    let file = "Processing activity,Purpose of processing,Article 6 lawful basis for processing personal data,\
                Business function\nRepairs,Arranging repairs,contract,Property services\n";
    let checked = env.upload(&env.dpo, &[("action", "check")], Some(("ropa.csv", file.as_bytes())));
    checked
        .assert_status(StatusCode::OK)
        .assert_has("The file has no problems")
        .assert_has("Importing it would add 1 activity")
        .assert_has("<li>Repairs</li>");
    assert_eq!(env.app.register_entries::<Activity>(&cli, None, false).unwrap().len(), 2, "nothing written yet");
    let content = hidden(&checked.text, "content");
    let done = env.upload(&env.dpo, &[("action", "import"), ("filename", "ropa.csv"), ("content", &content)], None);
    done.assert_status(StatusCode::OK).assert_has("Imported").assert_has("1 added, 0 changed, 0 unchanged");
    assert_eq!(env.app.register_entries::<Activity>(&cli, None, false).unwrap().len(), 3);

    // A file with problems: each by row and column, nothing written.
    let bad = "Processing activity,Purpose of processing,Article 6 lawful basis for processing personal data\n\
               Repairs,Arranging repairs,whatever suits\n";
    env.upload(&env.dpo, &[("action", "check")], Some(("ropa.csv", bad.as_bytes())))
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("The file has 1 problem")
        .assert_has("<td>2</td><td>Article 6 lawful basis for processing personal data</td>")
        .assert_lacks("whatever suits");
    env.upload(&env.dpo, &[("action", "check")], Some(("ropa.xlsx", b"not a spreadsheet")))
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("The file could not be read")
        .assert_has("not an XLSX spreadsheet");
    // Staff may not import.
    env.upload(&env.staff, &[("action", "check")], Some(("ropa.csv", file.as_bytes())))
        .assert_status(StatusCode::FORBIDDEN);
}
