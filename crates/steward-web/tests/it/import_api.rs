//! Importing the records inventory from CSV through the API: a dry run answers 200 and
//! writes nothing, an import answers 201, a file with bad rows answers 422 listing each
//! by line and column and changes nothing, wrong columns and media types are named, a
//! file over the limit is 413, and only those who manage registers may import. Each
//! scenario runs on SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set, on PostgreSQL.
//! All data is fictional.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use steward_app::Context;
use steward_app::retention::RecordQuery;
use steward_core::Role;
use tower::ServiceExt;

use crate::common::api_env;
use steward_testkit::{Database, Fixture, on_both_backends};

/// The shared API environment, with this module's helpers.
struct Env(api_env::Env);

impl std::ops::Deref for Env {
    type Target = api_env::Env;
    fn deref(&self) -> &api_env::Env {
        &self.0
    }
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        Self(api_env::Env::open(db))
    }
}

const CLEAN: &str = "\u{feff}record_type,reference,event:started,event:left,location\r\n\
                     volunteer-file,VOL-0001,2019-01-07,15/03/2024,Cabinet 3\r\n\
                     family-file,FAM-0001,,,\"Office, drawer 2\"\r\n\
                     board-minutes,BM-2020,,,Safe\r\n\r\n";

impl Env {
    fn with_schedule(&self) {
        self.app.use_schedule_template(&Context::cli(), "family-support-charity").unwrap();
    }

    fn upload(&self, role: Role, query: &str, content_type: Option<&str>, body: Vec<u8>) -> (StatusCode, Value) {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/records/import{query}"))
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token(role)));
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        let req = b.body(Body::from(body)).unwrap();
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
        })
    }

    fn csv(&self, role: Role, query: &str, text: &str) -> (StatusCode, Value) {
        self.upload(role, query, Some("text/csv; charset=utf-8"), text.as_bytes().to_vec())
    }

    fn records(&self) -> u64 {
        self.app.records(&Context::cli(), &RecordQuery { limit: Some(1), ..Default::default() }).unwrap().total
    }
}

fn dry_run_then_import(env: &Env) {
    env.with_schedule();
    let (s, v) = env.csv(Role::Dpo, "?dry_run=true", CLEAN);
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["rows"], 3);
    assert_eq!(v["would_import"], 3);
    assert_eq!(v["imported_rows"], 0);
    assert_eq!(v["lacking_facts"], 1, "the family file has no end of support yet");
    assert_eq!(v["by_record_type"]["volunteer-file"], 1);
    assert_eq!(env.records(), 0, "a dry run writes nothing");

    let (s, v) = env.csv(Role::Admin, "?dry_run=false", CLEAN);
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["imported"], true);
    assert_eq!(v["imported_rows"], 3);
    assert_eq!(env.records(), 3);
}

fn bad_rows_are_listed_by_line_and_nothing_changes(env: &Env) {
    env.with_schedule();
    let text = "record_type,event:started,event:left\n\
                volunteer-file,2019-01-07,2024-03-15\n\
                volunteer-file,2019-01-07,2024-02-30\n\
                staff-file,,\n\
                volunteer-file,2024-03-15,2019-01-07\n";
    for query in ["", "?dry_run=true"] {
        let (s, v) = env.csv(Role::Dpo, query, text);
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], "invalid");
        assert!(v["error"]["message"].as_str().unwrap().contains("3 of 4 rows"), "{v}");
        let errors: Vec<(u64, &str)> = v["report"]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap()))
            .collect();
        assert_eq!(errors, [(3, "event:left"), (4, "record_type"), (5, "events")], "{v}");
        assert_eq!(v["report"]["imported"], false);
    }
    assert_eq!(env.records(), 0);
}

fn wrong_columns_media_types_and_queries_are_named(env: &Env) {
    env.with_schedule();
    let (s, v) = env.csv(Role::Dpo, "", "type,ref\nvolunteer-file,X\n");
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "columns");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("'type'") && msg.contains("record_type is missing") && msg.contains("event:left"), "{msg}");

    let (s, v) = env.upload(Role::Dpo, "", Some("application/json"), b"{}".to_vec());
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("text/csv"));

    let (s, v) = env.csv(Role::Dpo, "?dry_run=perhaps", CLEAN);
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = env.csv(Role::Dpo, "?dryrun=true", CLEAN);
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    // No Content-Type at all is taken as CSV.
    let (s, v) = env.upload(Role::Dpo, "?dry_run=true", None, CLEAN.as_bytes().to_vec());
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(env.records(), 0);
}

fn a_file_over_the_limit_is_413(env: &Env) {
    env.with_schedule();
    let mut big = b"record_type,reference\n".to_vec();
    let row = b"board-minutes,BM-0000000000000000000000000000000000000000000000000000000000000000000000\n";
    while big.len() <= steward_app::record_import::MAX_IMPORT_BYTES {
        big.extend_from_slice(row);
    }
    let (s, v) = env.upload(Role::Dpo, "?dry_run=true", Some("text/csv"), big);
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"]["code"], "too_large");
    assert!(v["error"]["message"].as_str().unwrap().contains("50 MB"), "{v}");
    // A body over the ordinary limit is still refused elsewhere in the API.
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/systems",
        Some(serde_json::json!({"name": "x".repeat(2 * 1024 * 1024), "kind": "system"})),
    );
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
}

fn only_those_who_manage_registers_import(env: &Env) {
    env.with_schedule();
    for role in [Role::Caseworker, Role::Staff, Role::Auditor] {
        let (s, v) = env.csv(role, "", CLEAN);
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}: {v}");
    }
    assert_eq!(env.records(), 0);
}

fn no_schedule_in_force_is_a_conflict(env: &Env) {
    let (s, v) = env.csv(Role::Dpo, "?dry_run=true", CLEAN);
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("no retention schedule"), "{v}");
}

fn a_schedule_change_recomputes_imported_records(env: &Env) {
    env.with_schedule();
    let text = "record_type,reference,flags,event:left\n\
                volunteer-file,VOL-A,,2024-03-15\n\
                volunteer-file,VOL-B,retention_consent,2024-03-15\n\
                board-minutes,BM-1,,\n";
    let (s, v) = env.csv(Role::Dpo, "", text);
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let dates = || -> Vec<(String, Option<String>, i64)> {
        let page = env.app.records(&Context::cli(), &RecordQuery::default()).unwrap();
        let mut out: Vec<_> = page
            .records
            .into_iter()
            .map(|r| (r.reference, r.destroy_on.map(|d| d.to_string()), r.schedule_version))
            .collect();
        out.sort();
        out
    };
    let before = dates();
    assert_eq!(before[1].1.as_deref(), Some("2026-03-15"));
    assert_eq!(before[2].1.as_deref(), Some("2031-03-15"), "consent adds five years");
    let template = steward_core::retention::schedule::template("family-support-charity").unwrap();
    let changed = template.replacen("extend = \"5 years\"", "extend = \"6 years\"", 1);
    let saved = env.app.save_schedule(&Context::cli(), &changed, "api").unwrap();
    assert_eq!(saved.recomputed, 3);
    let after = dates();
    assert_eq!(after[0], ("BM-1".to_string(), None, saved.version), "permanent, unchanged, version moved on");
    assert_eq!(after[1], ("VOL-A".to_string(), Some("2026-03-15".to_string()), saved.version));
    assert_eq!(after[2], ("VOL-B".to_string(), Some("2032-03-15".to_string()), saved.version));
    // Resumable: nothing is left to recompute under this version.
    assert_eq!(env.app.recompute_records(&Context::cli(), None).unwrap(), 0);
}

on_both_backends!(
    a_schedule_change_recomputes_imported_records,
    dry_run_then_import,
    bad_rows_are_listed_by_line_and_nothing_changes,
    wrong_columns_media_types_and_queries_are_named,
    a_file_over_the_limit_is_413,
    only_those_who_manage_registers_import,
    no_schedule_in_force_is_a_conflict,
);
