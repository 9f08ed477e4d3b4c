//! Disposal through the API with the family-support charity's schedule: the list the
//! daily sweep made, the DPO's approval of the month, a task assigned and confirmed
//! once, the certificate as JSON and CSV, 4xx naming the field on bad input, and who may
//! do what. Each scenario runs on SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set, on
//! PostgreSQL. All people are fictional.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use steward_app::Context;
use steward_app::requests::uk_today;
use steward_core::Role;
use steward_core::subject::NewSubject;
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

on_both_backends!(
    month_list_approved_and_tasks_confirmed,
    vault_documents_shredded_and_held_ones_kept,
    bad_input_and_permissions
);

impl Env {
    fn person(&self, given: &str, family: &str) -> String {
        let s = NewSubject { given_name: given.into(), family_name: family.into(), ..NewSubject::default() };
        self.app.create_subject(&Context::cli(), s).expect("subject").id
    }

    fn schedule(&self) {
        self.app.use_schedule_template(&Context::cli(), "family-support-charity").expect("schedule");
    }

    fn record(&self, body: Value) -> String {
        let input: steward_app::retention::NewRecord = serde_json::from_value(body).expect("record input");
        self.app.create_record(&Context::cli(), input).expect("record").id
    }

    fn sweep(&self) {
        self.app.run_disposal_sweep(&Context::system(), uk_today()).expect("sweep");
    }

    fn ok(&self, role: Role, method: Method, uri: &str, body: Option<Value>) -> Value {
        let (s, v) = self.call(role, method, uri, body);
        assert!(s.is_success(), "{uri}: {s} {v}");
        v
    }

    fn text(&self, role: Role, uri: &str) -> (StatusCode, String, String) {
        let req = Request::builder()
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token(role)))
            .body(Body::empty())
            .expect("request");
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("router");
            let status = resp.status();
            let ct = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            (status, ct, String::from_utf8_lossy(&bytes).into_owned())
        })
    }
}

fn month() -> String {
    uk_today().strftime("%Y-%m").to_string()
}

fn month_list_approved_and_tasks_confirmed(env: &Env) {
    env.schedule();
    let amara = env.person("Amara", "Nwosu");
    let rec = env.record(json!({
        "subject_id": amara, "record_type": "volunteer-file", "reference": "VOL-0512",
        "events": {"left": "2022-05-31"}, "location": "Head office, cabinet 2"
    }));
    env.record(
        json!({"record_type": "financial-record", "reference": "Ledger 2030", "events": {"created": "2030-01-31"}}),
    );
    env.sweep();

    let v = env.ok(Role::Auditor, Method::GET, "/api/v1/disposals?due_before=2026-12-31", None);
    let list = v["disposals"].as_array().expect("disposals");
    assert_eq!(list.len(), 1, "{v}");
    let d = &list[0];
    assert_eq!(d["record_id"], rec.as_str());
    assert_eq!(d["record_type"], "volunteer-file");
    assert_eq!(d["status"], "awaiting_approval");
    assert_eq!(d["due_on"], "2024-05-31");
    assert_eq!(d["subject_ref"], amara.as_str());
    assert_eq!(d["method"], "shredding");
    assert!(!v.to_string().contains("Nwosu"));
    let id = d["id"].as_str().expect("id").to_string();
    let none = env.ok(Role::Dpo, Method::GET, "/api/v1/disposals?due_before=2024-05-30", None);
    assert_eq!(none["disposals"].as_array().map(Vec::len), Some(0));
    let by_status = env.ok(Role::Dpo, Method::GET, "/api/v1/disposals?status=awaiting_approval,task", None);
    assert_eq!(by_status["disposals"].as_array().map(Vec::len), Some(1));
    let one = env.ok(Role::Staff, Method::GET, &format!("/api/v1/disposals/{id}"), None);
    assert_eq!(one["id"], id.as_str());

    // Only the DPO approves.
    let (s, _) = env.call(Role::Admin, Method::POST, "/api/v1/disposals/approve", Some(json!({"month": month()})));
    assert_eq!(s, StatusCode::FORBIDDEN);
    let out = env.ok(Role::Dpo, Method::POST, "/api/v1/disposals/approve", Some(json!({"month": month()})));
    assert_eq!((out["tasks"].as_u64(), out["destroyed"].as_u64()), (Some(1), Some(0)), "{out}");

    let assign = json!({"assignee": "Office manager", "method": "confidential_waste", "due_on": uk_today().last_of_month().to_string()});
    // Who destroys a record is the DPO's decision; an administrator may confirm it done.
    let (s, _) = env.call(Role::Admin, Method::POST, &format!("/api/v1/disposals/{id}/assign"), Some(assign.clone()));
    assert_eq!(s, StatusCode::FORBIDDEN);
    let a = env.ok(Role::Dpo, Method::POST, &format!("/api/v1/disposals/{id}/assign"), Some(assign));
    assert_eq!((a["status"].as_str(), a["assignee"].as_str()), (Some("task"), Some("Office manager")));
    let confirm = json!({"done_on": uk_today().to_string(), "note": "Shred-it certificate 88412"});
    let c = env.ok(Role::Admin, Method::POST, &format!("/api/v1/disposals/{id}/confirm"), Some(confirm.clone()));
    assert_eq!((c["status"].as_str(), c["method"].as_str()), (Some("done"), Some("confidential_waste")));
    let (s, v) = env.call(Role::Dpo, Method::POST, &format!("/api/v1/disposals/{id}/confirm"), Some(confirm));
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    let from = uk_today().first_of_month();
    let to = uk_today();
    let cert = env.ok(Role::Auditor, Method::GET, &format!("/api/v1/disposals/certificate?from={from}&to={to}"), None);
    assert_eq!(cert["destroyed"], 1, "{cert}");
    assert_eq!(cert["entries"][0]["record_id"], rec.as_str());
    assert_eq!(cert["entries"][0]["status"], "done");
    assert!(cert["audit_hash"].is_string() && cert["issued_at"].is_string());
    assert!(!cert.to_string().contains("Amara"));
    let (s, ct, body) =
        env.text(Role::Auditor, &format!("/api/v1/disposals/certificate?from={from}&to={to}&format=csv"));
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/csv"), "{ct}");
    assert!(body.starts_with("disposal_id,record_id,record_type"), "{body}");
    assert!(body.contains(&rec) && body.contains("confidential_waste"));
}

fn vault_documents_shredded_and_held_ones_kept(env: &Env) {
    env.schedule();
    let kofi = env.person("Kofi", "Mensah");
    let doc = env
        .app
        .add_document(
            &Context::cli(),
            &kofi,
            steward_app::records::NewDocument {
                filename: "dbs.pdf".into(),
                media_type: Some("application/pdf".into()),
                source: None,
                content: b"%PDF-1.4 fictional".to_vec(),
            },
        )
        .expect("document")
        .id;
    env.record(json!({
        "subject_id": kofi, "record_type": "dbs-record", "reference": "DBS-0099",
        "events": {"issued": "2024-02-01"}, "document_id": doc
    }));
    let held_person = env.person("Lena", "Fischer");
    let held_rec = env.record(json!({
        "subject_id": held_person, "record_type": "volunteer-file", "reference": "VOL-0600",
        "events": {"left": "2021-01-31"}, "location": "Branch office drawer 1"
    }));
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/holds",
        Some(json!({"record_id": held_rec, "reason": "Insurance claim 2026/7", "approved_by": "DPO"})),
    );
    assert_eq!(s, StatusCode::CREATED, "{v}");
    env.sweep();
    let held = env.ok(Role::Dpo, Method::GET, "/api/v1/disposals?status=held", None);
    assert_eq!(held["disposals"].as_array().map(Vec::len), Some(1), "{held}");
    assert_eq!(held["disposals"][0]["record_id"], held_rec.as_str());

    let out = env.ok(Role::Dpo, Method::POST, "/api/v1/disposals/approve", Some(json!({"month": month()})));
    assert_eq!((out["destroyed"].as_u64(), out["tasks"].as_u64()), (Some(1), Some(0)), "{out}");
    assert!(!env.app.store().document_exists(&kofi, &doc).expect("look-up"), "the document is gone");
    let still = env.ok(Role::Dpo, Method::GET, "/api/v1/disposals?status=held", None);
    assert_eq!(still["disposals"].as_array().map(Vec::len), Some(1), "the held record is kept");
    let cert = env.ok(
        Role::Dpo,
        Method::GET,
        &format!("/api/v1/disposals/certificate?from={}&to={}", uk_today().first_of_month(), uk_today()),
        None,
    );
    assert_eq!((cert["destroyed"].as_u64(), cert["held"].as_u64()), (Some(1), Some(1)), "{cert}");
}

fn bad_input_and_permissions(env: &Env) {
    env.schedule();
    // The routes are documented.
    let (_, _, doc) = env.text(Role::Auditor, "/api/v1/openapi.json");
    for path in ["/api/v1/disposals", "/api/v1/disposals/approve", "/api/v1/disposals/certificate"] {
        assert!(doc.contains(&format!("\"{path}\"")), "{path} missing from the OpenAPI document");
    }
    let field = |v: &Value| v["error"]["field"].as_str().unwrap_or_default().to_string();
    let (s, v) = env.call(Role::Dpo, Method::GET, "/api/v1/disposals?due_before=31-12-2026", None);
    assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "due_before".into()), "{v}");
    let (s, v) = env.call(Role::Dpo, Method::GET, "/api/v1/disposals?status=shredded", None);
    assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "status".into()), "{v}");
    let (s, _) = env.call(Role::Dpo, Method::GET, "/api/v1/disposals?colour=blue", None);
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = env.call(Role::Dpo, Method::POST, "/api/v1/disposals/approve", Some(json!({"month": "November"})));
    assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "month".into()), "{v}");
    let (s, v) = env.call(Role::Dpo, Method::POST, "/api/v1/disposals/approve", Some(json!({})));
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = env.call(Role::Dpo, Method::POST, "/api/v1/disposals/approve", Some(json!({"ids": ["nope"]})));
    assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "ids".into()), "{v}");
    let (s, _) = env.call(Role::Dpo, Method::POST, "/api/v1/disposals/approve", Some(json!(["2026-11"])));
    assert!(s.is_client_error());
    for (q, f) in
        [("from=2026-13-01&to=2026-12-31", "from"), ("from=2026-01-01", "to"), ("from=2026-02-01&to=2026-01-01", "to")]
    {
        let (s, v) = env.call(Role::Auditor, Method::GET, &format!("/api/v1/disposals/certificate?{q}"), None);
        assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, f.to_string()), "{q}: {v}");
    }
    let (s, v) = env.call(
        Role::Auditor,
        Method::GET,
        "/api/v1/disposals/certificate?from=2026-01-01&to=2026-01-31&format=pdf",
        None,
    );
    assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "format".into()), "{v}");
    let (s, _) = env.call(Role::Dpo, Method::GET, "/api/v1/disposals/no-such-id", None);
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A disposal awaiting approval: not assignable nor confirmable yet; caseworkers may
    // do neither.
    env.record(
        json!({"record_type": "financial-record", "reference": "Ledger 2016", "events": {"created": "2016-03-31"}}),
    );
    env.sweep();
    let v = env.ok(Role::Dpo, Method::GET, "/api/v1/disposals", None);
    let id = v["disposals"][0]["id"].as_str().expect("id").to_string();
    let (s, _) = env.call(
        Role::Caseworker,
        Method::POST,
        &format!("/api/v1/disposals/{id}/assign"),
        Some(json!({"assignee": "Me"})),
    );
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = env.call(
        Role::Caseworker,
        Method::POST,
        &format!("/api/v1/disposals/{id}/confirm"),
        Some(json!({"done_on": "2026-01-06"})),
    );
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/disposals/{id}/assign"),
        Some(json!({"assignee": "Office manager"})),
    );
    assert_eq!(s, StatusCode::CONFLICT);
    env.ok(Role::Dpo, Method::POST, "/api/v1/disposals/approve", Some(json!({"ids": [id]})));
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/disposals/{id}/assign"),
        Some(json!({"assignee": "Office manager", "method": "crypto_shred"})),
    );
    assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "method".into()), "{v}");
    let (s, v) =
        env.call(Role::Dpo, Method::POST, &format!("/api/v1/disposals/{id}/assign"), Some(json!({"assignee": ""})));
    assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "assignee".into()), "{v}");
    let (s, v) = env.call(
        Role::Admin,
        Method::POST,
        &format!("/api/v1/disposals/{id}/confirm"),
        Some(json!({"done_on": "yesterday"})),
    );
    assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "done_on".into()), "{v}");
    let tomorrow = (uk_today() + jiff::Span::new().days(1)).to_string();
    let (s, v) = env.call(
        Role::Admin,
        Method::POST,
        &format!("/api/v1/disposals/{id}/confirm"),
        Some(json!({"done_on": tomorrow})),
    );
    assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "done_on".into()), "{v}");
    let (s, _) = env.call(
        Role::Admin,
        Method::POST,
        &format!("/api/v1/disposals/{id}/confirm"),
        Some(json!({"done_on": "2026-01-06", "extra": 1})),
    );
    assert!(s.is_client_error());
    let (s, _) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/disposals/no-such-id/confirm",
        Some(json!({"done_on": "2026-01-06"})),
    );
    assert_eq!(s, StatusCode::NOT_FOUND);
}
