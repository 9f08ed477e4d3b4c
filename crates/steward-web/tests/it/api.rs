//! HTTP API integration tests: the whole router, driven in-process with `oneshot`,
//! over an app built as the binary builds it. Each scenario runs on SQLite and, when
//! `STEWARD_TEST_POSTGRES_URL` is set, on PostgreSQL. All personal data is fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use steward_app::{App, Context};
use steward_core::Role;
use steward_store::BackendKind;
use steward_testkit::{Database, Fixture, Web, on_both_backends};
use tower::ServiceExt;

/// An API token made for a test: its id (as in audit actors) and its secret.
struct Tok {
    id: String,
    secret: String,
}

impl Tok {
    fn actor(&self) -> String {
        format!("token:{}", self.id)
    }
}

/// One token per role.
struct Tokens {
    dpo: Tok,
    admin: Tok,
    caseworker: Tok,
    staff: Tok,
    auditor: Tok,
}

/// A fresh application behind the router. Fields drop in order: the router and the
/// app (and with them the store's connections) first, then the runtime, then the
/// database (the PostgreSQL schema or the SQLite file, and the temporary directory).
struct Env {
    router: axum::Router,
    app: Arc<App>,
    tokens: Tokens,
    kind: BackendKind,
    rt: tokio::runtime::Runtime,
    db: Database,
}

/// A response: status, headers, the raw body and the body parsed as JSON (`Null` if empty or not JSON).
struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
    body: Value,
}

impl Resp {
    fn is_json(&self) -> bool {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
    }

    /// Assert an error response: the status, a JSON body `{"error":{"code","message"}}` with this code.
    fn assert_error(&self, status: StatusCode, code: &str) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert!(self.is_json(), "error body must be JSON, got {:?}: {}", self.headers, self.text);
        assert_eq!(self.body["error"]["code"], code, "body: {}", self.text);
        let message = self.body["error"]["message"].as_str().expect("error.message is a string");
        assert!(!message.is_empty());
        self
    }

    /// Assert the error names `field`.
    fn assert_field(&self, field: &str) -> &Self {
        assert_eq!(self.body["error"]["field"], field, "body: {}", self.text);
        self
    }

    fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }

    fn assert_status(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.text);
        self
    }
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        let app = db.open_app();
        let kind = app.store().kind();
        assert_eq!(kind, db.backend());
        let ctx = Context::cli();
        let make = |role: Role| {
            let (info, secret) = app.create_token(&ctx, &format!("test {role}"), role).expect("create token");
            Tok { id: info.id, secret }
        };
        let tokens = Tokens {
            dpo: make(Role::Dpo),
            admin: make(Role::Admin),
            caseworker: make(Role::Caseworker),
            staff: make(Role::Staff),
            auditor: make(Role::Auditor),
        };
        let Web { router, app, rt } = Web::new(app);
        Self { router, app, tokens, kind, rt, db }
    }
}

impl Env {
    fn journal_path(&self) -> PathBuf {
        self.db.journal_path()
    }

    /// Send one request through the router.
    fn send(&self, req: Request<Body>) -> Resp {
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("the router never fails");
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = resp.into_body().collect().await.expect("read body").to_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            Resp { status, headers, text, body }
        })
    }

    /// A request with an optional token, content type and raw body.
    fn raw(&self, method: Method, uri: &str, token: Option<&str>, content_type: Option<&str>, body: Vec<u8>) -> Resp {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        self.send(b.body(Body::from(body)).expect("request"))
    }

    fn call(&self, method: Method, uri: &str, token: &str, body: Option<&Value>) -> Resp {
        match body {
            Some(v) => {
                self.raw(method, uri, Some(token), Some("application/json"), serde_json::to_vec(v).expect("encode"))
            }
            None => self.raw(method, uri, Some(token), None, Vec::new()),
        }
    }

    fn get_as(&self, token: &str, uri: &str) -> Resp {
        self.call(Method::GET, uri, token, None)
    }

    fn get(&self, uri: &str) -> Resp {
        self.get_as(&self.tokens.dpo.secret, uri)
    }

    fn post_as(&self, token: &str, uri: &str, body: &Value) -> Resp {
        self.call(Method::POST, uri, token, Some(body))
    }

    fn post(&self, uri: &str, body: &Value) -> Resp {
        self.post_as(&self.tokens.dpo.secret, uri, body)
    }

    fn patch(&self, uri: &str, body: &Value) -> Resp {
        self.call(Method::PATCH, uri, &self.tokens.dpo.secret, Some(body))
    }

    fn delete_as(&self, token: &str, uri: &str) -> Resp {
        self.call(Method::DELETE, uri, token, None)
    }

    fn delete(&self, uri: &str) -> Resp {
        self.delete_as(&self.tokens.dpo.secret, uri)
    }

    /// Create a subject as the DPO and return its id.
    fn create(&self, body: &Value) -> String {
        let r = self.post("/api/v1/subjects", body);
        r.assert_status(StatusCode::CREATED);
        r.body["id"].as_str().expect("id").to_string()
    }

    /// The ids a search finds (as the DPO); the query must succeed.
    fn find(&self, query: &str) -> Vec<String> {
        let r = self.get(&format!("/api/v1/subjects?{query}"));
        assert_eq!(r.status, StatusCode::OK, "search {query}: {}", r.text);
        r.body["subjects"]
            .as_array()
            .expect("subjects array")
            .iter()
            .map(|h| h["id"].as_str().expect("hit id").to_string())
            .collect()
    }

    /// Every audit entry, newest first.
    fn audit(&self, query: &str) -> Vec<Value> {
        let r = self.get(&format!("/api/v1/audit?{query}"));
        r.assert_status(StatusCode::OK);
        r.body["entries"].as_array().expect("entries array").clone()
    }
}

on_both_backends! {
    health,
    create_and_find,
    update_subject,
    audit_log_holds_no_personal_data,
    erase_subject,
    bad_input,
    markup_and_unicode_round_trip,
    roles,
    tokens_api,
    links,
    backup_and_restore,
    special_category_through_the_api,
}

// ---------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------

/// The documented example subject.
fn jane() -> Value {
    json!({
        "given_name": "Jane", "family_name": "Smith", "other_names": ["Janey Smith"],
        "date_of_birth": "1980-01-31", "emails": ["jane@example.org"], "phones": ["07700 900123"],
        "addresses": [{"lines": ["1 High Street", "Ipswich"], "postcode": "IP1 1AA"}],
        "identifiers": {"ni_number": "AB123456C", "nhs_number": "943 476 5919"}, "categories": ["tenant"]
    })
}

/// Another Smith, to show searches tell people apart.
fn john() -> Value {
    json!({
        "given_name": "John", "family_name": "Smith", "date_of_birth": "1975-06-01",
        "emails": ["john@example.org"], "phones": ["01473 123456"], "categories": ["employee"]
    })
}

/// Values of Jane's that must never appear in the audit log or in error messages.
const JANE_SECRETS: [&str; 7] = ["Jane", "Smith", "jane@example.org", "07700", "7700900123", "AB123456C", "9434765919"];

// ---------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------

/// Special-category data (UK GDPR Art 9, Art 10) through the API: recorded and read only
/// with a token granted it, withheld (and said so) from a DPO token without the grant,
/// each view audited without the text; tokens cannot be given more than their maker has.
fn special_category_through_the_api(env: &Env) {
    let (_, granted) = env
        .app
        .create_token_for(&Context::cli(), None, Some(Role::Dpo), "Safeguarding lead", true)
        .expect("a token granted special-category data");
    let plain = env.tokens.dpo.secret.as_str();
    let mut body = jane();
    body["special_category"] = json!({"health": "Type 1 diabetes", "religious_or_philosophical_beliefs": "Quaker"});
    env.post_as(plain, "/api/v1/subjects", &body)
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("special_category");
    let created = env.post_as(&granted, "/api/v1/subjects", &body);
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.body["special_category"]["health"], "Type 1 diabetes");
    let id = created.body["id"].as_str().expect("id").to_string();
    let uri = format!("/api/v1/subjects/{id}");

    let withheld = env.get_as(plain, &uri);
    withheld.assert_status(StatusCode::OK);
    assert_eq!(withheld.body["special_category_withheld"], true);
    assert!(withheld.body.get("special_category").is_none(), "{}", withheld.text);
    assert!(!withheld.text.contains("diabetes"));
    let shown = env.get_as(&granted, &uri);
    assert_eq!(shown.body["special_category"]["religious_or_philosophical_beliefs"], "Quaker");
    assert_eq!(shown.body["special_category_withheld"], false);
    let views = env.audit(&format!("action=subject.view_special_category&object_id={id}"));
    assert_eq!(views.len(), 2, "the create answer and the read");
    assert!(views.iter().all(|e| !e.to_string().contains("diabetes") && !e.to_string().contains("Quaker")));

    // Only the ten headings; a token without the grant cannot change them either.
    let mut unknown = jane();
    unknown["special_category"] = json!({"disability": "x"});
    let r = env.post_as(&granted, "/api/v1/subjects", &unknown);
    assert!(r.status.is_client_error() && !r.text.contains("\"x\""), "{} {}", r.status, r.text);
    env.call(Method::PATCH, &uri, plain, Some(&json!({"special_category": null}))).assert_field("special_category");
    let cleared = env.call(Method::PATCH, &uri, &granted, Some(&json!({"special_category": null})));
    cleared.assert_status(StatusCode::OK);
    assert!(cleared.body.get("special_category").is_none());

    // Tokens: never more than their maker.
    let want = json!({"name": "Reports", "role": "dpo", "special_category": true});
    env.post_as(plain, "/api/v1/tokens", &want).assert_field("special_category");
    let made = env.post_as(&granted, "/api/v1/tokens", &want);
    made.assert_status(StatusCode::CREATED);
    assert_eq!(made.body["token"]["special_category"], true);
    let admin = env.tokens.admin.secret.as_str();
    env.post_as(admin, "/api/v1/tokens", &json!({"name": "x", "role": "caseworker"}))
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let auditor = env.post_as(admin, "/api/v1/tokens", &json!({"name": "Board pack", "role": "auditor"}));
    auditor.assert_status(StatusCode::CREATED);
    let auditor = auditor.body["secret"].as_str().expect("secret").to_string();
    env.get_as(&auditor, &uri).assert_error(StatusCode::FORBIDDEN, "forbidden");
}

fn health(env: &Env) {
    let r = env.raw(Method::GET, "/api/v1/health", None, None, Vec::new());
    r.assert_status(StatusCode::OK);
    assert!(r.is_json());
    assert_eq!(r.body["status"], "ok");
    let expected = match env.kind {
        BackendKind::Sqlite => "sqlite",
        BackendKind::Postgres => "postgres",
    };
    assert_eq!(r.body["database"], expected);
    assert!(r.body["schema_version"].as_i64().expect("schema_version") >= 1);
    assert!(r.body["version"].as_str().is_some_and(|v| !v.is_empty()));

    // The home page is the dashboard: without a session it sends people to sign in.
    let home = env.raw(Method::GET, "/", None, None, Vec::new());
    home.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(home.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/sign-in"));
}

fn create_and_find(env: &Env) {
    let r = env.post("/api/v1/subjects", &jane());
    r.assert_status(StatusCode::CREATED);
    assert!(r.is_json());
    let created = r.body.clone();
    let id = created["id"].as_str().expect("id").to_string();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "id is a UUID: {id}");
    let created_at = created["created_at"].as_str().expect("created_at");
    assert!(created_at.parse::<jiff::Timestamp>().is_ok(), "created_at is RFC 3339: {created_at}");
    assert_eq!(created["updated_at"], created["created_at"]);
    // Normalised values.
    assert_eq!(created["given_name"], "Jane");
    assert_eq!(created["family_name"], "Smith");
    assert_eq!(created["other_names"], json!(["Janey Smith"]));
    assert_eq!(created["date_of_birth"], "1980-01-31");
    assert_eq!(created["emails"], json!(["jane@example.org"]));
    assert_eq!(created["phones"], json!(["+447700900123"]));
    assert_eq!(created["addresses"], json!([{"lines": ["1 High Street", "Ipswich"], "postcode": "IP1 1AA"}]));
    assert_eq!(created["identifiers"], json!({"ni_number": "AB123456C", "nhs_number": "9434765919"}));
    assert_eq!(created["categories"], json!(["tenant"]));
    assert_eq!(created["links"], json!([]));
    assert_eq!(created["notes"], Value::Null);

    // Reading it back gives exactly what creation showed.
    let got = env.get(&format!("/api/v1/subjects/{id}"));
    got.assert_status(StatusCode::OK);
    assert_eq!(got.body, created);

    let john = env.create(&john());

    // Every documented way of finding her finds her, and only her.
    for q in [
        "email=JANE@example.org",
        "email=%20jane@example.org%20",
        "phone=%2B44%207700%20900123",
        "phone=07700900123",
        "ni_number=ab%2012%2034%2056%20c",
        "nhs_number=9434765919",
        "nhs_number=943%20476%205919",
        "name=jan",
        "name=jane%20smith",
        "name=JANE%20SMITH",
        "name=janey",
        "name=janey%20smith",
        "surname=smith&date_of_birth=1980-01-31",
        "surname=SMITH&date_of_birth=1980-01-31",
    ] {
        assert_eq!(env.find(q), vec![id.clone()], "search {q}");
    }
    let hits = env.get("/api/v1/subjects?email=jane@example.org");
    assert_eq!(
        hits.body["subjects"][0],
        json!({"id": id, "name": "Jane Smith", "date_of_birth": "1980-01-31", "postcode": "IP1 1AA", "categories": ["tenant"]})
    );

    // A surname alone finds both Smiths; the other's details find only him.
    let mut both = vec![id.clone(), john.clone()];
    both.sort();
    let mut smiths = env.find("name=smith");
    smiths.sort();
    assert_eq!(smiths, both);
    assert_eq!(env.find("name=john"), vec![john.clone()]);
    assert_eq!(env.find("surname=smith&date_of_birth=1975-06-01"), vec![john.clone()]);

    // Near misses find nothing.
    for q in [
        "name=xyz",
        "name=jax",
        "email=jane@example.com",
        "phone=07700900124",
        "ni_number=AB123457C",
        "surname=smith&date_of_birth=1980-01-30",
        "surname=jones&date_of_birth=1980-01-31",
        "reference=T-0001",
    ] {
        assert!(env.find(q).is_empty(), "search {q} should find nothing");
    }

    // No criterion, or two, is refused.
    env.get("/api/v1/subjects").assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("query");
    env.get("/api/v1/subjects?email=jane@example.org&name=jane")
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("query");
    env.get("/api/v1/subjects?surname=smith")
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("date_of_birth");
    env.get("/api/v1/subjects?date_of_birth=1980-01-31")
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("surname");
    // Malformed criteria are refused without echoing them.
    let r = env.get("/api/v1/subjects?email=jane.smith");
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("email");
    assert!(!r.message().contains("jane.smith"), "{}", r.text);
    let r = env.get("/api/v1/subjects?nhs_number=9434765918");
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("nhs_number");
    assert!(!r.message().contains("9434765918"), "{}", r.text);
    env.get("/api/v1/subjects?name=%21%21%21")
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("name");
    // An unknown query parameter is a bad request.
    env.get("/api/v1/subjects?surname_like=smi").assert_error(StatusCode::BAD_REQUEST, "bad_query");
}

fn update_subject(env: &Env) {
    let id = env.create(&jane());
    let uri = format!("/api/v1/subjects/{id}");
    let before = env.get(&uri).body;

    let r = env.patch(&uri, &json!({"emails": ["Jane.Smith@Example.NET"]}));
    r.assert_status(StatusCode::OK);
    assert_eq!(r.body["emails"], json!(["jane.smith@example.net"]));
    // Fields not given are kept.
    for f in ["given_name", "family_name", "other_names", "date_of_birth", "phones", "addresses", "identifiers"] {
        assert_eq!(r.body[f], before[f], "{f} unchanged");
    }
    assert_eq!(r.body["created_at"], before["created_at"]);
    assert!(r.body["updated_at"].as_str().unwrap() >= before["updated_at"].as_str().unwrap());

    assert!(env.find("email=jane@example.org").is_empty(), "old email no longer finds her");
    assert_eq!(env.find("email=jane.smith@example.net"), vec![id.clone()]);
    assert_eq!(env.get(&uri).body["emails"], json!(["jane.smith@example.net"]));

    // null clears the date of birth, and with it the surname + date of birth look-up.
    let r = env.patch(&uri, &json!({"date_of_birth": null}));
    r.assert_status(StatusCode::OK);
    assert_eq!(r.body["date_of_birth"], Value::Null);
    assert_eq!(env.get(&uri).body["date_of_birth"], Value::Null);
    assert!(env.find("surname=smith&date_of_birth=1980-01-31").is_empty());
    assert_eq!(env.get(&uri).body["given_name"], "Jane");

    // A name change moves the name look-ups.
    let r = env.patch(&uri, &json!({"family_name": "Jones", "notes": "prefers email"}));
    r.assert_status(StatusCode::OK);
    assert_eq!(r.body["notes"], "prefers email");
    assert_eq!(env.find("name=jane%20jones"), vec![id.clone()]);
    assert_eq!(env.find("name=jones"), vec![id.clone()]);
    assert_eq!(env.find("name=janey%20smith"), vec![id.clone()], "other names are kept");
    let r = env.patch(&uri, &json!({"notes": null}));
    assert_eq!(r.body["notes"], Value::Null);

    // The audit entry names the fields changed, not their values.
    let updates = env.audit(&format!("action=subject.update&object_id={id}"));
    assert_eq!(updates.len(), 4);
    let details: Vec<&str> = updates.iter().map(|e| e["detail"].as_str().unwrap()).collect();
    assert!(details.contains(&"fields=emails"), "{details:?}");
    assert!(details.contains(&"fields=date_of_birth"), "{details:?}");
    assert!(details.contains(&"fields=family_name,notes"), "{details:?}");

    // Invalid changes are refused and change nothing.
    env.patch(&uri, &json!({"emails": ["not-an-email"]}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("emails[0]");
    env.patch(&uri, &json!({"given_name": "", "family_name": ""}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("family_name");
    env.patch(&uri, &json!({"nickname": "JJ"}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("nickname");
    assert_eq!(env.get(&uri).body["emails"], json!(["jane.smith@example.net"]));

    // Unknown subject.
    env.patch(&format!("/api/v1/subjects/{}", uuid::Uuid::now_v7()), &json!({"notes": "x"}))
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

fn audit_log_holds_no_personal_data(env: &Env) {
    let id = env.create(&jane());
    env.get(&format!("/api/v1/subjects/{id}")).assert_status(StatusCode::OK);
    for q in [
        "email=jane@example.org",
        "phone=07700900123",
        "ni_number=AB123456C",
        "nhs_number=9434765919",
        "name=jane%20smith",
        "surname=smith&date_of_birth=1980-01-31",
    ] {
        assert_eq!(env.find(q), vec![id.clone()]);
    }
    env.patch(&format!("/api/v1/subjects/{id}"), &json!({"phones": ["07700 900999"], "notes": "Jane Smith note"}))
        .assert_status(StatusCode::OK);
    // Failed attempts carrying personal data.
    env.post("/api/v1/subjects", &json!({"given_name": "Jane", "family_name": "Smith", "emails": ["jane@"]}))
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    env.get_as(&env.tokens.auditor.secret, "/api/v1/subjects?email=jane@example.org")
        .assert_status(StatusCode::FORBIDDEN);

    let views = env.audit(&format!("action=subject.view&object_id={id}"));
    assert_eq!(views.len(), 1, "{views:?}");
    let v = &views[0];
    assert_eq!(v["action"], "subject.view");
    assert_eq!(v["object_type"], "subject");
    assert_eq!(v["object_id"], id.as_str());
    assert_eq!(v["outcome"], "success");
    assert_eq!(v["actor"], env.tokens.dpo.actor());
    assert!(!v["request_id"].as_str().unwrap().is_empty());
    // Prefix filter.
    let subject_actions = env.audit(&format!("action=subject.&object_id={id}"));
    assert!(subject_actions.iter().any(|e| e["action"] == "subject.create"));
    assert!(subject_actions.iter().any(|e| e["action"] == "subject.update"));
    // Searches record the criterion and the ids found, not the terms.
    let searches = env.audit("action=subject.search");
    assert!(searches.iter().any(|e| e["detail"] == format!("criterion=email results=1 ids={id}")), "{searches:?}");

    let all = env.audit("limit=500");
    assert!(all.len() > 10);
    for e in &all {
        for field in ["actor", "action", "object_type", "object_id", "request_id", "outcome", "detail", "at"] {
            let s = e[field].as_str().unwrap_or_else(|| panic!("{field} is a string in {e}"));
            for secret in JANE_SECRETS.iter().chain(&["07700 900999", "447700900999"]) {
                assert!(!s.contains(secret), "audit {field} contains {secret:?}: {e}");
            }
        }
        // Hashes are hex, so the whole entry is free of names and identifiers too.
        let whole = e.to_string();
        for secret in ["Jane", "Smith", "jane@example.org", "AB123456C"] {
            assert!(!whole.contains(secret), "audit entry contains {secret:?}: {whole}");
        }
    }

    let report = env.post("/api/v1/audit/verify", &json!({}));
    report.assert_status(StatusCode::OK);
    assert_eq!(report.body["problem"], Value::Null, "{}", report.text);
    let entries = report.body["entries"].as_i64().expect("entries");
    assert_eq!(entries, all.len() as i64);
    // Verification is itself audited, after the check.
    let head = env.get("/api/v1/audit/head");
    head.assert_status(StatusCode::OK);
    assert_eq!(head.body["count"].as_i64(), Some(entries + 1));
    let hash = head.body["hash"].as_str().expect("hash");
    assert_eq!(hash.len(), 64);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    let newest = env.audit("limit=1");
    assert_eq!(newest[0]["action"], "audit.verify");
    assert_eq!(newest[0]["hash"], hash);
    assert_eq!(newest[0]["seq"].as_i64(), Some(entries + 1));
    assert_eq!(env.audit("limit=500").len() as i64, entries + 1);
}

fn erase_subject(env: &Env) {
    let id = env.create(&jane());
    let other = env.create(&john());
    let uri = format!("/api/v1/subjects/{id}");

    let preview = env.get(&format!("{uri}/erasure-preview"));
    preview.assert_status(StatusCode::OK);
    assert_eq!(preview.body["subject_id"], id.as_str());
    assert!(preview.body["index_entries"].as_u64().unwrap() > 5);
    assert!(preview.body["encrypted_bytes"].as_u64().unwrap() > 0);

    // Bad reasons and references are refused before anything is destroyed.
    env.delete(&format!("{uri}?reason=because")).assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let r = env.delete(&format!("{uri}?request_ref=Jane%20Smith"));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("request_ref");
    assert!(!r.message().contains("Jane"));
    env.delete(&format!("{uri}?why=x")).assert_error(StatusCode::BAD_REQUEST, "bad_query");
    env.get(&uri).assert_status(StatusCode::OK);

    let r = env.delete(&format!("{uri}?request_ref=SAR-2026-001"));
    r.assert_status(StatusCode::OK);
    assert_eq!(r.body["subject_id"], id.as_str());
    assert_eq!(r.body["reason"], "erasure_request");
    assert_eq!(r.body["request_ref"], "SAR-2026-001");
    assert_eq!(r.body["actor"], env.tokens.dpo.actor());
    let erased_at = r.body["erased_at"].as_str().expect("erased_at");
    assert!(erased_at.parse::<jiff::Timestamp>().is_ok());
    let tombstone = r.body.clone();

    let gone = env.get(&uri);
    gone.assert_error(StatusCode::GONE, "gone");
    assert_eq!(gone.body["tombstone"], tombstone);
    assert!(!gone.text.contains("Jane") && !gone.text.contains("Smith"));
    env.delete(&format!("{uri}?request_ref=SAR-2026-001")).assert_error(StatusCode::GONE, "gone");
    env.delete(&uri).assert_error(StatusCode::GONE, "gone");
    env.patch(&uri, &json!({"notes": "x"})).assert_error(StatusCode::GONE, "gone");
    env.get(&format!("{uri}/erasure-preview")).assert_error(StatusCode::GONE, "gone");
    env.post(&format!("/api/v1/subjects/{other}/links"), &json!({"subject_id": id, "kind": "household"}))
        .assert_error(StatusCode::GONE, "gone");

    // No look-up finds her any more; the other subject is untouched.
    for q in [
        "email=jane@example.org",
        "phone=07700900123",
        "ni_number=AB123456C",
        "nhs_number=9434765919",
        "name=jane",
        "name=janey",
        "surname=smith&date_of_birth=1980-01-31",
    ] {
        assert!(env.find(q).is_empty(), "{q} still finds the erased subject");
    }
    assert_eq!(env.find("name=smith"), vec![other.clone()]);
    env.get(&format!("/api/v1/subjects/{other}")).assert_status(StatusCode::OK);

    // The journal outside the database has the tombstone (and no personal data): written
    // as pending before the change, then settled as committed.
    let journal = std::fs::read_to_string(env.journal_path()).expect("journal written");
    let lines: Vec<&str> = journal.lines().collect();
    assert_eq!(lines.len(), 2);
    let pending: Value = serde_json::from_str(lines[0]).expect("journal line is JSON");
    assert_eq!(pending["entry"], tombstone);
    let settled: Value = serde_json::from_str(lines[1]).expect("journal line is JSON");
    assert_eq!(settled, json!({"settled": pending["pending"], "outcome": "committed"}));
    assert!(!journal.contains("Jane") && !journal.contains("Smith"));

    let erasures = env.audit(&format!("action=subject.erase&object_id={id}"));
    assert_eq!(erasures.len(), 1);
    assert_eq!(erasures[0]["detail"], "reason=erasure_request");
    assert_eq!(env.post("/api/v1/audit/verify", &json!({})).body["problem"], Value::Null);
}

fn bad_input(env: &Env) {
    let dpo = env.tokens.dpo.secret.as_str();
    let json_ct = Some("application/json");
    let post_raw = |body: &[u8]| env.raw(Method::POST, "/api/v1/subjects", Some(dpo), json_ct, body.to_vec());

    // Malformed JSON.
    let r = post_raw(br#"{"given_name": "Jane", "family_name": "#);
    r.assert_error(StatusCode::BAD_REQUEST, "malformed_json");
    assert!(!r.message().contains("Jane"), "{}", r.text);
    post_raw(b"not json at all").assert_error(StatusCode::BAD_REQUEST, "malformed_json");
    post_raw(b"").assert_error(StatusCode::BAD_REQUEST, "malformed_json");
    // Valid JSON of the wrong shape is not read positionally into a subject.
    let r = post_raw(br#"["Jane", "Smith"]"#);
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(!r.message().contains("Jane"), "{}", r.text);
    post_raw(br#""Jane Smith""#).assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");

    // Unknown field.
    env.post("/api/v1/subjects", &json!({"family_name": "X", "surname": "Y"}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("surname");
    let r = env.post("/api/v1/subjects", &json!({"family_name": "X", "addresses": [{"street": "1 High St"}]}));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("addresses[0].street");
    assert!(!r.message().contains("1 High St"), "{}", r.text);
    env.post("/api/v1/subjects", &json!({"family_name": "X", "identifiers": {"nhs": "1"}}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("identifiers.nhs");

    // Wrong type: the value is not echoed.
    let r = env.post("/api/v1/subjects", &json!({"family_name": "X", "emails": "x"}));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("emails");
    let r = env.post("/api/v1/subjects", &json!({"family_name": "X", "emails": "jane@example.org"}));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("emails");
    assert!(!r.message().contains("jane@example.org"), "{}", r.text);
    let r = env.post("/api/v1/subjects", &json!({"family_name": 19_800_131_u64}));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("family_name");
    assert!(!r.text.contains("19800131"), "{}", r.text);
    env.post("/api/v1/subjects", &json!({"family_name": "X", "addresses": [{"lines": "1 High St"}]}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("addresses[0].lines");
    let r = env.post("/api/v1/subjects", &json!(42));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(r.body["error"].get("field"), None, "{}", r.text);
    env.post("/api/v1/subjects", &json!("Jane Smith")).assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");

    // An unknown category is refused without echoing it or naming it as the field.
    let r = env.post("/api/v1/subjects", &json!({"family_name": "X", "categories": ["Jane Smith"]}));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("categories[0]");
    assert!(!r.text.contains("Jane Smith"), "{}", r.text);
    assert!(r.message().contains("`tenant`"), "the allowed values are listed: {}", r.text);

    // Impossible or malformed dates: the field is named, the value (or part of it) is not echoed.
    let r = env.post("/api/v1/subjects", &json!({"family_name": "X", "date_of_birth": "2023-02-30"}));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("date_of_birth");
    for part in ["2023-02-30", "2023-02", "2023"] {
        assert!(!r.text.contains(part), "{}", r.text);
    }
    let r = env.post("/api/v1/subjects", &json!({"family_name": "X", "date_of_birth": "31/01/1980"}));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("date_of_birth");
    assert!(!r.text.contains("31/01/1980"), "{}", r.text);
    let r = env.get("/api/v1/subjects?surname=smith&date_of_birth=1980-02-30");
    r.assert_error(StatusCode::BAD_REQUEST, "bad_query");
    assert!(!r.text.contains("1980-02"), "{}", r.text);

    // Future and implausibly early dates of birth.
    let future = jiff::Zoned::now().date().checked_add(jiff::Span::new().days(2)).unwrap();
    env.post("/api/v1/subjects", &json!({"family_name": "X", "date_of_birth": future.to_string()}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("date_of_birth");
    env.post("/api/v1/subjects", &json!({"family_name": "X", "date_of_birth": "1850-01-01"}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("date_of_birth");

    // Invalid identifiers and contact details: the field is named, the value is not echoed.
    let r = env.post("/api/v1/subjects", &json!({"family_name": "X", "identifiers": {"nhs_number": "943 476 5918"}}));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("identifiers.nhs_number");
    for digits in ["943 476 5918", "9434765918", "943"] {
        assert!(!r.message().contains(digits), "{}", r.text);
    }
    let r = env.post("/api/v1/subjects", &json!({"family_name": "X", "identifiers": {"ni_number": "QQ12345"}}));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("identifiers.ni_number");
    assert!(!r.message().contains("QQ12345"));
    let r = env.post("/api/v1/subjects", &json!({"family_name": "X", "emails": ["a@b.org", "jane.smith"]}));
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("emails[1]");
    assert!(!r.message().contains("jane.smith"));
    env.post("/api/v1/subjects", &json!({"family_name": "X", "phones": ["12"]}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("phones[0]");
    env.post("/api/v1/subjects", &json!({"family_name": "X", "addresses": [{"postcode": "NOT A POSTCODE"}]}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("addresses[0].postcode");
    env.post("/api/v1/subjects", &json!({"given_name": "  ", "family_name": ""}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("family_name");
    env.post("/api/v1/subjects", &json!({"family_name": "X".repeat(201)}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("family_name");
    env.post("/api/v1/subjects", &json!({"family_name": "X\u{0}Y"}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("family_name");
    let many: Vec<String> = (0..21).map(|i| format!("p{i}@example.org")).collect();
    env.post("/api/v1/subjects", &json!({"family_name": "X", "emails": many}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("emails");

    // A body over 256 KiB.
    let big = serde_json::to_vec(&json!({"family_name": "X", "notes": "n".repeat(300 * 1024)})).unwrap();
    post_raw(&big).assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let huge = serde_json::to_vec(&json!({"family_name": "X", "notes": "n".repeat(2 * 1024 * 1024)})).unwrap();
    post_raw(&huge).assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    // With a Content-Length over the outer limit the body is refused before it is read.
    let req = Request::post("/api/v1/subjects")
        .header(header::AUTHORIZATION, format!("Bearer {dpo}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, huge.len())
        .body(Body::from(huge))
        .unwrap();
    env.send(req).assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    // Just under the limit is fine as far as size goes (the notes are then too long).
    let under = serde_json::to_vec(&json!({"family_name": "X", "notes": "n".repeat(200 * 1024)})).unwrap();
    post_raw(&under).assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid").assert_field("notes");

    // Missing or wrong content type.
    let body = serde_json::to_vec(&jane()).unwrap();
    env.raw(Method::POST, "/api/v1/subjects", Some(dpo), None, body.clone())
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    env.raw(Method::POST, "/api/v1/subjects", Some(dpo), Some("text/plain"), body.clone())
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    env.raw(Method::POST, "/api/v1/subjects", Some(dpo), Some("application/json; charset=utf-8"), body)
        .assert_status(StatusCode::CREATED);

    // Unknown ids.
    env.get(&format!("/api/v1/subjects/{}", uuid::Uuid::now_v7())).assert_error(StatusCode::NOT_FOUND, "not_found");
    env.get("/api/v1/subjects/not-a-uuid").assert_error(StatusCode::NOT_FOUND, "not_found");
    env.get("/api/v1/subjects/'%20OR%201=1--").assert_error(StatusCode::NOT_FOUND, "not_found");
    env.delete(&format!("/api/v1/subjects/{}", uuid::Uuid::now_v7())).assert_error(StatusCode::NOT_FOUND, "not_found");
    env.get(&format!("/api/v1/subjects/{}/erasure-preview", uuid::Uuid::now_v7()))
        .assert_error(StatusCode::NOT_FOUND, "not_found");

    // Unknown routes answer JSON, with or without a token.
    env.get("/api/v1/nothing-here").assert_error(StatusCode::NOT_FOUND, "not_found");
    env.raw(Method::GET, "/api/v1/nothing-here", None, None, Vec::new())
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    env.raw(Method::GET, "/api/v1/no/such/endpoint", None, None, Vec::new())
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    // Outside the API an unknown address is a page for people.
    let r = env.raw(Method::GET, "/no/such/page", None, None, Vec::new());
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("Page not found"), "{}", r.text);
    env.get("/api/v2/subjects").assert_error(StatusCode::NOT_FOUND, "not_found");
    // A known route with the wrong method.
    let r = env.call(Method::PUT, "/api/v1/subjects", dpo, Some(&jane()));
    r.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert!(r.headers.get(header::ALLOW).is_some());

    // Authentication.
    let unauth = env.raw(Method::GET, "/api/v1/subjects?name=jane", None, None, Vec::new());
    unauth.assert_error(StatusCode::UNAUTHORIZED, "unauthorised");
    assert_eq!(unauth.headers.get(header::WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()), Some("Bearer"));
    let mut wrong = env.tokens.dpo.secret.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == 'A' { 'B' } else { 'A' });
    env.get_as(&wrong, "/api/v1/subjects?name=jane").assert_error(StatusCode::UNAUTHORIZED, "unauthorised");
    env.get_as("not-a-token", "/api/v1/subjects?name=jane").assert_error(StatusCode::UNAUTHORIZED, "unauthorised");
    env.get_as("", "/api/v1/audit").assert_error(StatusCode::UNAUTHORIZED, "unauthorised");
    env.get_as(&"stw_".repeat(100), "/api/v1/audit").assert_error(StatusCode::UNAUTHORIZED, "unauthorised");
    let basic = Request::get("/api/v1/audit").header(header::AUTHORIZATION, "Basic dXNlcjpwYXNz").body(Body::empty());
    env.send(basic.unwrap()).assert_error(StatusCode::UNAUTHORIZED, "unauthorised");
    // A missing token is refused before the body is looked at.
    env.raw(Method::POST, "/api/v1/subjects", None, json_ct, serde_json::to_vec(&jane()).unwrap())
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorised");
    env.raw(Method::POST, "/api/v1/subjects", None, json_ct, b"{".to_vec())
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorised");
    // Nothing was created by any of the refused requests above.
    assert_eq!(env.find("email=jane@example.org").len(), 1);
}

fn markup_and_unicode_round_trip(env: &Env) {
    let script = json!({
        "given_name": "<script>alert(1)</script>",
        "family_name": "Smith & \"Sons\" <b>Ltd</b>",
        "other_names": ["'; DROP TABLE subjects; --"],
        "addresses": [{"lines": ["<img src=x onerror=alert(1)>"], "postcode": "IP1 1AA"}],
        "notes": "</script><script>alert(2)</script>\nline two\ttabbed"
    });
    let r = env.post("/api/v1/subjects", &script);
    r.assert_status(StatusCode::CREATED);
    assert!(r.is_json());
    let id = r.body["id"].as_str().unwrap().to_string();
    let got = env.get(&format!("/api/v1/subjects/{id}"));
    got.assert_status(StatusCode::OK);
    assert!(got.is_json());
    for f in ["given_name", "family_name", "other_names", "addresses", "notes"] {
        assert_eq!(got.body[f], script[f], "{f} round-trips as data");
    }
    assert_eq!(env.find("name=script%20alert"), vec![id.clone()]);
    env.get("/api/v1/health").assert_status(StatusCode::OK);

    let people = [
        ("Siobhán", "O'Brien"),
        ("Zoë", "Nguyễn"),
        ("芳", "王"),
        ("Zoë", "Ó Súilleabháin"),
        ("Anna-Marie", "Groß"),
        ("Åse", "Ærø"),
    ];
    let mut ids = Vec::new();
    for (given, family) in people {
        let other_names = if family == "王" { vec!["王芳".to_string()] } else { Vec::new() };
        let body = json!({"given_name": given, "family_name": family, "other_names": other_names});
        let r = env.post("/api/v1/subjects", &body);
        r.assert_status(StatusCode::CREATED);
        assert_eq!(r.body["given_name"], given);
        assert_eq!(r.body["family_name"], family);
        let id = r.body["id"].as_str().unwrap().to_string();
        let got = env.get(&format!("/api/v1/subjects/{id}"));
        assert_eq!(got.body["given_name"], given);
        assert_eq!(got.body["family_name"], family);
        assert_eq!(got.body["other_names"], json!(other_names));
        ids.push(id);
    }
    let [siobhan, zoe_nguyen, wang, zoe_osullivan, anna, ase] = &ids[..] else { unreachable!() };
    assert_eq!(env.find("name=siobhan"), vec![siobhan.clone()]);
    assert_eq!(env.find("name=Siobh%C3%A1n"), vec![siobhan.clone()]);
    assert_eq!(env.find("name=SIOBHAN%20OBRIEN"), vec![siobhan.clone()]);
    assert_eq!(env.find("name=o%27brien"), vec![siobhan.clone()]);
    assert_eq!(env.find("name=obrien"), vec![siobhan.clone()]);
    assert_eq!(env.find("name=nguyen"), vec![zoe_nguyen.clone()]);
    assert_eq!(env.find(&format!("name={}", enc("Nguyễn"))), vec![zoe_nguyen.clone()]);
    assert_eq!(env.find("name=zoe%20nguyen"), vec![zoe_nguyen.clone()]);
    let mut zoes = env.find("name=zoe");
    zoes.sort();
    let mut expected = vec![zoe_nguyen.clone(), zoe_osullivan.clone()];
    expected.sort();
    assert_eq!(zoes, expected);
    assert_eq!(env.find(&format!("name={}", enc("王芳"))), vec![wang.clone()]);
    assert_eq!(env.find(&format!("name={}", enc("Ó Súilleabháin"))), vec![zoe_osullivan.clone()]);
    assert_eq!(env.find("name=suilleabhain"), vec![zoe_osullivan.clone()]);
    assert_eq!(env.find("name=anna%20marie"), vec![anna.clone()]);
    assert_eq!(env.find(&format!("name={}", enc("Åse"))), vec![ase.clone()]);

    // Search hits carry the names as given.
    let r = env.get("/api/v1/subjects?name=siobhan");
    assert_eq!(r.body["subjects"][0]["name"], "Siobhán O'Brien");
}

/// Percent-encode a query value.
fn enc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn roles(env: &Env) {
    let t = &env.tokens;
    let id = env.create(&jane());
    let uri = format!("/api/v1/subjects/{id}");
    let search = "/api/v1/subjects?email=jane@example.org";

    // Auditor: the audit log and statistics, never personal data.
    let a = t.auditor.secret.as_str();
    env.get_as(a, &uri).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get_as(a, search).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.post_as(a, "/api/v1/subjects", &john()).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get_as(a, &format!("{uri}/erasure-preview")).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get_as(a, "/api/v1/audit").assert_status(StatusCode::OK);
    env.get_as(a, "/api/v1/audit/head").assert_status(StatusCode::OK);
    env.post_as(a, "/api/v1/audit/verify", &json!({})).assert_status(StatusCode::OK);
    let stats = env.get_as(a, "/api/v1/stats/subjects");
    stats.assert_status(StatusCode::OK);
    assert_eq!(stats.body["total"], 1);
    assert_eq!(stats.body["by_category"]["tenant"], 1);
    env.get_as(a, "/api/v1/tokens").assert_error(StatusCode::FORBIDDEN, "forbidden");

    // Caseworker: a caseworker token acting for the organisation sees no one until a
    // case is given to it (need to know), then reads and changes that subject; it cannot
    // erase them or see the audit log.
    let c = t.caseworker.secret.as_str();
    env.get_as(c, &uri).assert_error(StatusCode::FORBIDDEN, "forbidden");
    assert!(env.get_as(c, search).body["subjects"].as_array().unwrap().is_empty());
    env.app.assign_subject(&Context::cli(), &id, &format!("token:{}", t.caseworker.id)).unwrap();
    env.get_as(c, &uri).assert_status(StatusCode::OK);
    assert_eq!(env.get_as(c, search).body["subjects"][0]["id"], id.as_str());
    env.call(Method::PATCH, &uri, c, Some(&json!({"notes": "called back"}))).assert_status(StatusCode::OK);
    env.post_as(c, "/api/v1/subjects", &john()).assert_status(StatusCode::CREATED);
    env.delete_as(c, &uri).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get_as(c, &format!("{uri}/erasure-preview")).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get_as(c, "/api/v1/audit").assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get_as(c, "/api/v1/tokens").assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get(&uri).assert_status(StatusCode::OK);

    // Admin: access and the audit log, no personal data.
    let ad = t.admin.secret.as_str();
    env.get_as(ad, &uri).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get_as(ad, search).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.post_as(ad, "/api/v1/subjects", &john()).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.delete_as(ad, &uri).assert_error(StatusCode::FORBIDDEN, "forbidden");
    let tokens = env.get_as(ad, "/api/v1/tokens");
    tokens.assert_status(StatusCode::OK);
    assert_eq!(tokens.body["tokens"].as_array().unwrap().len(), 5);
    env.get_as(ad, "/api/v1/audit").assert_status(StatusCode::OK);

    // Staff: can record a subject but not read one, not even their own.
    let s = t.staff.secret.as_str();
    let r = env.post_as(s, "/api/v1/subjects", &json!({"given_name": "Sam", "family_name": "Staff"}));
    r.assert_status(StatusCode::CREATED);
    let own = r.body["id"].as_str().unwrap().to_string();
    env.get_as(s, &format!("/api/v1/subjects/{own}")).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get_as(s, &uri).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get_as(s, search).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.call(Method::PATCH, &uri, s, Some(&json!({"notes": "x"}))).assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.post_as(s, &format!("{uri}/links"), &json!({"subject_id": own, "kind": "household"}))
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.get_as(s, "/api/v1/stats/subjects").assert_error(StatusCode::FORBIDDEN, "forbidden");

    // Denied attempts are in the audit log, naming who tried.
    let denied = env.audit(&format!("object_id={id}"));
    let denied: Vec<&Value> = denied.iter().filter(|e| e["outcome"] == "denied").collect();
    let by = |tok: &Tok, action: &str| denied.iter().any(|e| e["actor"] == tok.actor() && e["action"] == action);
    assert!(by(&t.auditor, "subject.denied_subject_read"), "{denied:?}");
    assert!(by(&t.caseworker, "subject.denied_subject_erase"), "{denied:?}");
    assert!(by(&t.admin, "subject.denied_subject_read"), "{denied:?}");
    assert!(by(&t.staff, "subject.denied_subject_update"), "{denied:?}");
    let auditor_entries = env.audit(&format!("actor={}", t.auditor.actor()));
    assert!(auditor_entries.iter().any(|e| e["outcome"] == "denied" && e["action"] == "token.denied_manage_access"));
    // The denials were refused: she is still there, unerased.
    env.get(&uri).assert_status(StatusCode::OK);
    assert_eq!(env.post("/api/v1/audit/verify", &json!({})).body["problem"], Value::Null);
}

fn tokens_api(env: &Env) {
    let r = env.post("/api/v1/tokens", &json!({"name": "integration", "role": "caseworker"}));
    r.assert_status(StatusCode::CREATED);
    let secret = r.body["secret"].as_str().expect("secret").to_string();
    assert!(secret.starts_with("stw_") && secret.len() > 40);
    let tid = r.body["token"]["id"].as_str().expect("token id").to_string();
    assert_eq!(r.body["token"]["name"], "integration");
    assert_eq!(r.body["token"]["role"], "caseworker");
    assert_eq!(r.body["token"]["revoked_at"], Value::Null);

    // The list never shows secrets or their hashes.
    let list = env.get("/api/v1/tokens");
    list.assert_status(StatusCode::OK);
    assert!(list.body["tokens"].as_array().unwrap().iter().any(|t| t["id"] == tid.as_str()));
    assert!(!list.text.contains(&secret) && !list.text.contains("hash") && !list.text.contains("stw_"));

    // The new secret works, with its role.
    env.get_as(&secret, "/api/v1/subjects?name=xyz").assert_status(StatusCode::OK);
    env.get_as(&secret, "/api/v1/tokens").assert_error(StatusCode::FORBIDDEN, "forbidden");
    env.post_as(&secret, "/api/v1/tokens", &json!({"name": "escalate", "role": "dpo"}))
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let created = env.post_as(&secret, "/api/v1/subjects", &john());
    created.assert_status(StatusCode::CREATED);
    let creations = env.audit(&format!("action=subject.create&object_id={}", created.body["id"].as_str().unwrap()));
    assert_eq!(creations[0]["actor"], format!("token:{tid}"));

    // Bad token requests.
    env.post("/api/v1/tokens", &json!({"name": "x", "role": "root"}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("role");
    env.post("/api/v1/tokens", &json!({"name": "  ", "role": "staff"}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("name");
    env.post("/api/v1/tokens", &json!({"name": "x", "role": "staff", "expires": "never"}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("expires");
    // The admin may create tokens too.
    env.post_as(&env.tokens.admin.secret, "/api/v1/tokens", &json!({"name": "by admin", "role": "auditor"}))
        .assert_status(StatusCode::CREATED);

    // Revocation.
    let r = env.delete(&format!("/api/v1/tokens/{tid}"));
    r.assert_status(StatusCode::NO_CONTENT);
    assert!(r.text.is_empty());
    env.get_as(&secret, "/api/v1/subjects?name=xyz").assert_error(StatusCode::UNAUTHORIZED, "unauthorised");
    env.delete(&format!("/api/v1/tokens/{tid}")).assert_error(StatusCode::NOT_FOUND, "not_found");
    env.delete(&format!("/api/v1/tokens/{}", uuid::Uuid::now_v7())).assert_error(StatusCode::NOT_FOUND, "not_found");
    let list = env.get("/api/v1/tokens");
    let revoked = list.body["tokens"].as_array().unwrap().iter().find(|t| t["id"] == tid.as_str()).cloned().unwrap();
    assert!(revoked["revoked_at"].as_str().is_some());
    let revocations = env.audit(&format!("action=token.revoke&object_id={tid}"));
    assert_eq!(revocations.len(), 1);
    assert_eq!(revocations[0]["actor"], env.tokens.dpo.actor());
    // Other tokens still work.
    env.get("/api/v1/tokens").assert_status(StatusCode::OK);
}

fn links(env: &Env) {
    let parent = env.create(&jane());
    let child = env.create(
        &json!({"given_name": "Lily", "family_name": "Smith", "date_of_birth": "2015-04-02", "categories": ["child"]}),
    );
    let links = format!("/api/v1/subjects/{parent}/links");

    let r = env.post(&links, &json!({"subject_id": child, "kind": "parent_of"}));
    r.assert_status(StatusCode::CREATED);

    let p = env.get(&format!("/api/v1/subjects/{parent}"));
    assert_eq!(p.body["links"], json!([{"subject_id": child, "relation": "child"}]));
    let c = env.get(&format!("/api/v1/subjects/{child}"));
    assert_eq!(c.body["links"], json!([{"subject_id": parent, "relation": "parent"}]));

    env.post(&links, &json!({"subject_id": child, "kind": "parent_of"})).assert_error(StatusCode::CONFLICT, "conflict");
    env.post(&links, &json!({"subject_id": uuid::Uuid::now_v7().to_string(), "kind": "parent_of"}))
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    env.post(
        &format!("/api/v1/subjects/{}/links", uuid::Uuid::now_v7()),
        &json!({"subject_id": child, "kind": "household"}),
    )
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    env.post(&links, &json!({"subject_id": parent, "kind": "household"}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("subject_id");
    env.post(&links, &json!({"subject_id": child, "kind": "cousin_of"}))
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .assert_field("kind");

    // A household link as well.
    env.post(&links, &json!({"subject_id": child, "kind": "household"})).assert_status(StatusCode::CREATED);
    let p = env.get(&format!("/api/v1/subjects/{parent}"));
    let rel: Vec<&str> = p.body["links"].as_array().unwrap().iter().map(|l| l["relation"].as_str().unwrap()).collect();
    assert_eq!(rel.len(), 2);
    assert!(rel.contains(&"child") && rel.contains(&"household"));
    let linked = env.audit(&format!("action=subject.link&object_id={parent}"));
    assert_eq!(linked.len(), 2);

    // Removing.
    env.delete(&format!("{links}/{child}?kind=household")).assert_status(StatusCode::NO_CONTENT);
    env.delete(&format!("{links}/{child}?kind=household")).assert_error(StatusCode::NOT_FOUND, "not_found");
    env.delete(&format!("{links}/{child}")).assert_error(StatusCode::BAD_REQUEST, "bad_query");
    let p = env.get(&format!("/api/v1/subjects/{parent}"));
    assert_eq!(p.body["links"], json!([{"subject_id": child, "relation": "child"}]));

    // Erasing the child removes the link from the parent's record.
    env.delete(&format!("/api/v1/subjects/{child}?reason=created_in_error")).assert_status(StatusCode::OK);
    let p = env.get(&format!("/api/v1/subjects/{parent}"));
    assert_eq!(p.body["links"], json!([]));
}

fn backup_and_restore(env: &Env) {
    let keep = env.create(&john());
    let erase = env.create(&jane());
    let backup = env.db.path("backup.jsonl");
    let summary = env.app.backup(&Context::cli(), &backup).expect("backup");
    assert!(summary.lines > 0 && summary.bytes > 0);
    let text = std::fs::read_to_string(&backup).unwrap();
    assert!(!text.contains("Jane") && !text.contains("jane@example.org"), "backups hold ciphertext only");

    env.delete(&format!("/api/v1/subjects/{erase}?request_ref=SAR-2026-001")).assert_status(StatusCode::OK);
    env.get(&format!("/api/v1/subjects/{erase}")).assert_error(StatusCode::GONE, "gone");

    let restored = env.app.restore(&Context::cli(), &backup).expect("restore");
    assert_eq!(restored.erasures_reapplied, 1);

    let gone = env.get(&format!("/api/v1/subjects/{erase}"));
    gone.assert_error(StatusCode::GONE, "gone");
    assert_eq!(gone.body["tombstone"]["request_ref"], "SAR-2026-001");
    assert!(env.find("email=jane@example.org").is_empty());
    assert!(env.find("name=janey").is_empty());
    let kept = env.get(&format!("/api/v1/subjects/{keep}"));
    kept.assert_status(StatusCode::OK);
    assert_eq!(kept.body["given_name"], "John");
    assert_eq!(env.find("email=john@example.org"), vec![keep.clone()]);

    // A second restore of the same backup re-applies the erasure again.
    assert_eq!(env.app.restore(&Context::cli(), &backup).expect("restore again").erasures_reapplied, 1);
    env.get(&format!("/api/v1/subjects/{erase}")).assert_error(StatusCode::GONE, "gone");
    assert_eq!(env.post("/api/v1/audit/verify", &json!({})).body["problem"], Value::Null);
    assert!(!env.audit("action=backup.restore").is_empty());
    assert!(!env.audit(&format!("action=subject.erase_reapplied&object_id={erase}")).is_empty());
}

// ---------------------------------------------------------------------------------
// Backend-independent
// ---------------------------------------------------------------------------------

#[test]
fn openapi_document() {
    let env = Env::open(Database::sqlite());
    let r = env.raw(Method::GET, "/api/v1/openapi.json", None, None, Vec::new());
    r.assert_status(StatusCode::OK);
    assert!(r.is_json());
    assert!(r.body["openapi"].as_str().expect("openapi").starts_with("3.1"), "{}", r.body["openapi"]);
    let paths = r.body["paths"].as_object().expect("paths");
    for p in [
        "/api/v1/subjects",
        "/api/v1/subjects/{id}",
        "/api/v1/subjects/{id}/links",
        "/api/v1/health",
        "/api/v1/audit",
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
    ] {
        assert!(paths.contains_key(p), "paths lack {p}");
    }
    assert!(paths["/api/v1/subjects"]["post"].is_object());
    assert!(paths["/api/v1/subjects"]["get"].is_object());
    for m in ["get", "patch", "delete"] {
        assert!(paths["/api/v1/subjects/{id}"][m].is_object(), "{m} /api/v1/subjects/{{id}}");
    }
    assert!(r.body["components"]["securitySchemes"]["bearer"].is_object());
    assert!(r.body["components"]["schemas"]["NewSubject"].is_object());
}
