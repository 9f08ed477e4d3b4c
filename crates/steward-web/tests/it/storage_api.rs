//! Storage failures a person can act on: a full or read-only disk answers `503
//! storage_unavailable` with `Retry-After` and what to do, `/api/v1/health` says
//! `degraded` with the reason, reads carry on, and an erasure that failed is neither
//! reported as done nor re-applied when Steward next starts. On SQLite the writer is
//! capped (`max_page_count`, a real `SQLITE_FULL`) or made read-only (`query_only`, a
//! real `SQLITE_READONLY`); on PostgreSQL (when `STEWARD_TEST_POSTGRES_URL` is set) a
//! trigger raises the real SQLSTATEs 53100 and 25006. All people are fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::Arc;
use steward_app::{App, Context};
use steward_core::Role;
use steward_crypto::MasterKey;
use steward_testkit::{Database, Fixture, PgSchema, Web, on_both_backends};
use tower::ServiceExt;

struct Env {
    router: axum::Router,
    app: Arc<App>,
    token: String,
    key: MasterKey,
    rt: tokio::runtime::Runtime,
    /// Where the database is, to break it and to open it again; dropped last.
    db: Database,
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        let key = MasterKey::generate().expect("key");
        let app = db.open_app_with(&key);
        let (_, token) = app.create_token(&Context::cli(), "test", Role::Dpo).expect("token");
        let Web { router, app, rt } = Web::new(app);
        Self { router, app, token, key, rt, db }
    }
}

impl Env {
    fn call(&self, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, HeaderMap, Value) {
        let mut b =
            Request::builder().method(method).uri(uri).header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(&v).expect("encode"))
            }
            None => Body::empty(),
        };
        let req = b.body(body).expect("request");
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("router");
            let (status, headers) = (resp.status(), resp.headers().clone());
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
        })
    }

    fn health(&self) -> Value {
        let (s, _, v) = self.call(Method::GET, "/api/v1/health", None);
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    fn create(&self, n: usize) -> (StatusCode, HeaderMap, Value) {
        let body = json!({"given_name": "Morgan", "family_name": format!("Ellis{n}"), "categories": ["tenant"],
            "emails": [format!("morgan.ellis{n}@example.org")]});
        self.call(Method::POST, "/api/v1/subjects", Some(body))
    }

    /// Make every new subject fail as on a full disk.
    fn fill_disk(&self) {
        match self.db.pg() {
            None => self.app.store().restrict_sqlite_writer(Some(1), false).expect("cap"),
            Some(pg) => raise_on(pg, "subjects", "INSERT", "53100"),
        }
    }

    /// Make erasures fail as on read-only storage.
    fn make_read_only(&self) {
        match self.db.pg() {
            None => self.app.store().restrict_sqlite_writer(None, true).expect("read-only"),
            Some(pg) => raise_on(pg, "tombstones", "INSERT", "25006"),
        }
    }

    fn repair(&self) {
        match self.db.pg() {
            None => self.app.store().restrict_sqlite_writer(None, false).expect("lift"),
            Some(pg) => {
                let schema = &pg.name;
                pg.exec(&format!(
                    "DROP TRIGGER IF EXISTS fail_subjects ON {schema}.subjects; \
                     DROP TRIGGER IF EXISTS fail_tombstones ON {schema}.tombstones;"
                ));
            }
        }
    }
}

/// A trigger on `table` that fails every `op` with SQLSTATE `code`, as PostgreSQL does
/// when its disk is full (53100) or the transaction is read-only (25006).
fn raise_on(pg: &PgSchema, table: &str, op: &str, code: &str) {
    let schema = &pg.name;
    pg.exec(&format!(
        "CREATE OR REPLACE FUNCTION {schema}.fail_{table}() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'simulated storage failure' USING ERRCODE = '{code}'; END $$; \
         CREATE TRIGGER fail_{table} BEFORE {op} ON {schema}.{table} FOR EACH ROW EXECUTE FUNCTION {schema}.fail_{table}();"
    ));
}

on_both_backends!(a_full_disk_answers_503_and_health_says_degraded, a_failed_erasure_is_not_journalled_or_reapplied);

fn a_full_disk_answers_503_and_health_says_degraded(env: &Env) {
    // The documented shape of the answer.
    let (_, _, doc) = env.call(Method::GET, "/api/v1/openapi.json", None);
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["Health"]["properties"]["problems"].is_object(), "{}", schemas["Health"]);
    assert!(schemas["HealthProblem"]["properties"]["reason"].is_object(), "{}", schemas["HealthProblem"]);
    assert!(schemas["StorageFault"].to_string().contains("disk_full"), "{}", schemas["StorageFault"]);

    let health = env.health();
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["problems"], json!([]));
    let (s, _, first) = env.create(0);
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let first_id = first["id"].as_str().expect("id").to_string();

    env.fill_disk();
    let mut refused = None;
    for n in 1..500 {
        let (s, headers, v) = env.create(n);
        if s != StatusCode::CREATED {
            refused = Some((s, headers, v));
            break;
        }
    }
    let (s, headers, v) = refused.expect("the capped database fills up");
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v["error"]["code"], "storage_unavailable", "{v}");
    let message = v["error"]["message"].as_str().expect("message");
    assert!(message.contains("the disk is full") && message.contains("nothing was changed"), "{message}");
    assert!(!message.contains("Ellis") && !message.contains("morgan"), "no personal data: {message}");
    let retry: u32 = headers[header::RETRY_AFTER].to_str().expect("ascii").parse().expect("seconds");
    assert!(retry > 0);

    let health = env.health();
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["problems"][0]["component"], "database", "{health}");
    assert_eq!(health["problems"][0]["reason"], "disk_full", "{health}");
    assert!(health["problems"][0]["since"].is_string(), "{health}");
    assert!(!health.to_string().contains("Ellis"), "no personal data in the health answer");

    // Reads carry on.
    let (s, _, v) = env.call(Method::GET, &format!("/api/v1/subjects/{first_id}"), None);
    assert_eq!(s, StatusCode::OK, "{v}");

    // Space freed: writes work and health is ok again.
    env.repair();
    let (s, _, v) = env.create(1000);
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(env.health()["status"], "ok");
}

fn a_failed_erasure_is_not_journalled_or_reapplied(env: &Env) {
    let (s, _, v) = env.create(1);
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().expect("id").to_string();

    env.make_read_only();
    let (s, headers, v) = env.call(Method::DELETE, &format!("/api/v1/subjects/{id}?request_ref=ER-2026-3"), None);
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v["error"]["code"], "storage_unavailable", "{v}");
    assert!(headers.contains_key(header::RETRY_AFTER));
    assert_eq!(env.health()["status"], "degraded");

    // The journal does not count it: a later restore or start must not erase them.
    let journal = steward_app::journal::Journal::new(env.db.journal_path());
    assert!(journal.read_all().expect("journal").is_empty(), "the failed erasure is not in the journal");
    env.repair();
    let (s, _, v) = env.call(Method::GET, &format!("/api/v1/subjects/{id}"), None);
    assert_eq!(s, StatusCode::OK, "the subject is still there: {v}");

    // Steward starts again on the same database and journal: the subject is still there.
    let key = MasterKey::parse(&env.key.to_hex()).expect("key");
    let reopened = App::open(env.db.open(), &key, &env.db.journal_path()).expect("open again");
    assert!(
        matches!(reopened.store().subject(&id).expect("lookup"), steward_store::SubjectLookup::Found(_)),
        "a failed erasure is not applied when Steward starts again"
    );
    drop(reopened);

    // Erased for real once the storage works: journalled as committed.
    let (s, _, v) = env.call(Method::DELETE, &format!("/api/v1/subjects/{id}?request_ref=ER-2026-3"), None);
    assert_eq!(s, StatusCode::OK, "{v}");
    let recorded = journal.read_all().expect("journal");
    assert_eq!(recorded.len(), 1);
    assert!(recorded[0].pending.is_none(), "settled as committed");
}
