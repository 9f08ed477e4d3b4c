//! Notes, documents and response packs through the API: a pack for a subject with notes,
//! documents and requests is opened with its passphrase and holds every item, withheld
//! items carry their exemption, a wrong passphrase fails, bad input gets a 4xx that never
//! echoes personal data, and erasure makes everything unreadable. Each scenario runs on
//! SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set, on PostgreSQL. Fictional data.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::io::Read as _;
use steward_app::Context;
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

const SECRET_NAME: &str = "Philippa Quennell-Marchbanks";

impl Env {
    fn new_subject(&self) -> String {
        let s = NewSubject {
            given_name: "Philippa".into(),
            family_name: "Quennell-Marchbanks".into(),
            emails: vec!["p.quennell@example.org".into()],
            ..NewSubject::default()
        };
        self.app.create_subject(&Context::cli(), s).expect("subject").id
    }

    /// Send raw bytes; answers status, headers' content type and body bytes.
    fn raw(
        &self,
        role: Role,
        method: Method,
        uri: &str,
        ct: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, String, Vec<u8>) {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token(role)));
        if let Some(ct) = ct {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        let req = b.body(Body::from(body)).expect("request");
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("router");
            let status = resp.status();
            let ct = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let bytes = resp.into_body().collect().await.expect("body").to_bytes().to_vec();
            (status, ct, bytes)
        })
    }

    fn upload(&self, role: Role, subject: &str, filename: &str, content: &[u8]) -> (StatusCode, Value) {
        self.upload_as(role, subject, filename, "application/pdf", content)
    }

    fn upload_as(&self, role: Role, subject: &str, filename: &str, media: &str, content: &[u8]) -> (StatusCode, Value) {
        let boundary = "XsTeWaRdBoUnDaRy";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\nHousing system\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                 Content-Type: {media}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let (s, _, bytes) = self.raw(
            role,
            Method::POST,
            &format!("/api/v1/subjects/{subject}/documents"),
            Some(&format!("multipart/form-data; boundary={boundary}")),
            body,
        );
        (s, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}

fn open_zip(zip: &[u8], passphrase: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index_decrypt(i, passphrase.as_bytes()).expect("opens with the passphrase");
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("read entry");
        out.insert(f.name().expect("entry name").to_string(), bytes);
    }
    out
}

/// Check with 7-Zip's command line, when it is installed, that the pack tests clean with
/// the passphrase and fails with another.
fn seven_zip_opens(zip: &[u8], passphrase: &str) {
    let Some(tool) = ["7zz", "7z"]
        .into_iter()
        .find(|t| std::process::Command::new(t).arg("i").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("NOTICE: 7-Zip not installed; opening packs with it not checked");
        return;
    };
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("pack.zip");
    std::fs::write(&file, zip).unwrap();
    let test = |pass: &str| {
        std::process::Command::new(tool)
            .args(["t", &format!("-p{pass}"), "-y"])
            .arg(&file)
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(test(passphrase), "7-Zip opens the pack with its passphrase");
    assert!(!test("not-the-pass-phrase"), "7-Zip refuses another passphrase");
}

fn pack_opens_with_every_item(env: &Env) {
    let subject = env.new_subject();
    // Notes.
    let (s, n1) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/subjects/{subject}/notes"),
        Some(json!({"text": "Rang about the boiler; engineer booked.", "category": "phone_call", "source": "Repairs line"})),
    );
    assert_eq!(s, StatusCode::CREATED, "{n1}");
    let (s, n2) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/subjects/{subject}/notes"),
        Some(json!({"text": "Neighbour Ottoline Brackenbury complained about noise."})),
    );
    assert_eq!(s, StatusCode::CREATED, "{n2}");
    let (s, list) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/subjects/{subject}/notes"), None);
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["notes"].as_array().unwrap().len(), 2);
    assert_eq!(list["notes"][0]["source"], "Repairs line");
    // Documents, one with a hostile name.
    let (s, d1) = env.upload(Role::Dpo, &subject, "../../etc/tenancy agreement.pdf", b"%PDF-1.4 tenancy");
    assert_eq!(s, StatusCode::CREATED, "{d1}");
    assert_eq!(d1["filename"], "tenancy agreement.pdf");
    assert_eq!(d1["source"], "Housing system");
    assert_eq!(d1["sha256"], steward_crypto::sha256_hex(b"%PDF-1.4 tenancy"));
    let (s, d2) =
        env.upload_as(Role::Dpo, &subject, "<script>alert(1)</script>.html", "text/html", b"<p>reference letter</p>");
    assert_eq!(s, StatusCode::CREATED, "{d2}");
    assert!(!d2["filename"].as_str().unwrap().contains('<'));
    let d1_id = d1["id"].as_str().unwrap();
    let (s, ct, bytes) =
        env.raw(Role::Dpo, Method::GET, &format!("/api/v1/subjects/{subject}/documents/{d1_id}"), None, Vec::new());
    assert_eq!((s, ct.as_str(), bytes.as_slice()), (StatusCode::OK, "application/pdf", b"%PDF-1.4 tenancy".as_slice()));
    let d2_id = d2["id"].as_str().unwrap();
    let (_, ct, _) =
        env.raw(Role::Dpo, Method::GET, &format!("/api/v1/subjects/{subject}/documents/{d2_id}"), None, Vec::new());
    assert_eq!(ct, "application/octet-stream", "a page is never served as HTML");
    // Requests: the access request, and an earlier rectification with an event.
    let earlier = env.create(
        json!({"kind": "rectification", "received_on": "2026-01-05", "subject_id": subject, "channel": "letter"}),
    );
    let earlier_id = earlier["id"].as_str().unwrap();
    let (s, _) = env.event(earlier_id, json!({"kind": "identity_requested", "on": "2026-01-06"}));
    assert_eq!(s, StatusCode::OK);
    let req =
        env.create(json!({"kind": "access", "received_on": "2026-01-07", "subject_id": subject, "channel": "email"}));
    let rid = req["id"].as_str().unwrap();
    // Review: every item is listed; withhold the neighbour's note and part of the identity.
    let (s, review) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{rid}/pack-items"), None);
    assert_eq!(s, StatusCode::OK, "{review}");
    let keys: Vec<String> =
        review["items"].as_array().unwrap().iter().map(|i| i["item"].as_str().unwrap().to_string()).collect();
    let n2_key = format!("note:{}", n2["id"].as_str().unwrap());
    for k in [
        "identity".to_string(),
        n2_key.clone(),
        format!("document:{d1_id}"),
        format!("request:{earlier_id}"),
        format!("request:{rid}"),
    ] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }
    assert_eq!(keys.len(), 1 + 2 + 2 + 2);
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/requests/{rid}/pack-items"),
        Some(
            json!({"item": n2_key, "treatment": "withheld", "exemption": "third_party", "note": "Names the neighbour"}),
        ),
    );
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["citation"], "DPA 2018 Sch 2 Pt 3 para 16");
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/requests/{rid}/pack-items"),
        Some(json!({"item": format!("document:{d2_id}"), "treatment": "withheld", "exemption": "confidential_reference"})),
    );
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/requests/{rid}/pack-items"),
        Some(json!({"item": "identity", "treatment": "partly_withheld", "exemption": "crime_taxation", "fields": ["emails"]})),
    );
    assert_eq!(s, StatusCode::OK, "{v}");
    // Build.
    let (s, built) = env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{rid}/pack"), None);
    assert_eq!(s, StatusCode::CREATED, "{built}");
    let passphrase = built["passphrase"].as_str().unwrap().to_string();
    assert_eq!(passphrase.len(), 29);
    assert_eq!(built["items"], 7);
    let (s, ct, zip) = env.raw(Role::Dpo, Method::GET, built["download_url"].as_str().unwrap(), None, Vec::new());
    assert_eq!((s, ct.as_str()), (StatusCode::OK, "application/zip"));
    assert_eq!(zip.len() as i64, built["bytes"].as_i64().unwrap());
    assert_eq!(steward_crypto::sha256_hex(&zip), built["sha256"].as_str().unwrap());
    // The personal data is not readable without the passphrase.
    assert!(!String::from_utf8_lossy(&zip).contains("Quennell"));
    // A wrong passphrase fails.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.as_slice())).unwrap();
    assert!(archive.by_name_decrypt("data.json", b"wrong-pass-phrase").is_err());
    assert!(archive.by_name("data.json").is_err(), "entries are encrypted");
    // 7-Zip, where installed (Debian's `7zip` package), opens it too, and only with the
    // passphrase.
    seven_zip_opens(&zip, &passphrase);
    // The right one opens everything.
    let files = open_zip(&zip, &passphrase);
    assert!(files.contains_key("index.html") && files.contains_key("data.csv"));
    let data: Value = serde_json::from_slice(&files["data.json"]).unwrap();
    let items = data["items"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    let by_key = |k: &str| items.iter().find(|i| i["item"] == k).unwrap_or_else(|| panic!("{k} in data.json"));
    let identity = by_key("identity");
    assert_eq!(identity["status"], "partly_withheld");
    assert_eq!(identity["data"]["family_name"], "Quennell-Marchbanks");
    assert!(identity["data"].get("emails").is_none());
    assert_eq!(identity["exemption"]["code"], "crime_taxation");
    let withheld = by_key(&n2_key);
    assert_eq!((withheld["status"].as_str(), withheld["data"].is_null()), (Some("withheld"), true));
    assert_eq!(withheld["exemption"]["citation"], "DPA 2018 Sch 2 Pt 3 para 16");
    let shown = by_key(&format!("note:{}", n1["id"].as_str().unwrap()));
    assert_eq!(shown["data"]["text"], "Rang about the boiler; engineer booked.");
    assert_eq!(shown["source"], "Repairs line");
    let doc = by_key(&format!("document:{d1_id}"));
    let path = doc["file"].as_str().unwrap();
    assert_eq!(doc["data"]["content"], path);
    let inner_name = path.strip_prefix("documents.zip/").expect("in the documents archive");
    let mut inner = zip::ZipArchive::new(std::io::Cursor::new(files["documents.zip"].as_slice())).unwrap();
    assert_eq!(inner.len(), 1, "only the disclosed document");
    let mut content = Vec::new();
    inner.by_name(inner_name).expect("the document").read_to_end(&mut content).unwrap();
    assert_eq!(content, b"%PDF-1.4 tenancy");
    let held_doc = by_key(&format!("document:{d2_id}"));
    assert!(held_doc["file"].is_null());
    assert_eq!(files.len(), 4, "index, json, csv and the documents archive");
    let rq = by_key(&format!("request:{earlier_id}"));
    assert_eq!(rq["data"]["events"][0]["kind"], "identity_requested");
    by_key(&format!("request:{rid}"));
    // Neither the withheld note's words nor the withheld email appear anywhere.
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("Ottoline"), "{name} leaks a withheld note");
        assert!(!text.contains("p.quennell@"), "{name} leaks a withheld field");
    }
    let index = String::from_utf8_lossy(&files["index.html"]);
    assert!(index.contains("Information Commissioner"));
    assert!(index.contains("Another person&#39;s information") || index.contains("Another person&#x27;s information"));
    assert!(index.contains("Quennell-Marchbanks"));
    let csv = String::from_utf8_lossy(&files["data.csv"]);
    assert!(csv.lines().next().unwrap().starts_with("item,kind,source"));
    assert!(csv.contains(&format!("{n2_key},note,Repairs line")) || csv.contains(&format!("{n2_key},note,Steward,")));
    // Listing packs shows no passphrase; the audit log has ids and counts only.
    let (_, packs) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{rid}/packs"), None);
    assert_eq!(packs["packs"].as_array().unwrap().len(), 1);
    assert!(!packs.to_string().contains(&passphrase));
    let (_, audit) = env.call(Role::Dpo, Method::GET, "/api/v1/audit?limit=500", None);
    let audit = audit.to_string();
    assert!(audit.contains("request.pack_build") && audit.contains("request.pack_download"));
    assert!(audit.contains("subject.notes_view") && audit.contains("subject.document_view"));
    for secret in [passphrase.as_str(), "Ottoline", "boiler", "tenancy agreement", "Quennell"] {
        assert!(!audit.contains(secret), "the audit log holds {secret}");
    }
    // Erasure: the subject's notes, documents and packs become unreadable and go.
    let (s, _) =
        env.call(Role::Dpo, Method::DELETE, &format!("/api/v1/subjects/{subject}?reason=erasure_request"), None);
    assert_eq!(s, StatusCode::OK);
    let (s, _) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/subjects/{subject}/notes"), None);
    assert_eq!(s, StatusCode::GONE);
    let (s, _, _) = env.raw(Role::Dpo, Method::GET, built["download_url"].as_str().unwrap(), None, Vec::new());
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(env.app.store().notes_of(&subject).unwrap().is_empty());
    assert!(env.app.store().documents_of(&subject).unwrap().is_empty());
    assert!(env.app.store().packs_of(rid).unwrap().is_empty());
}

fn bad_input_is_refused_without_echoing(env: &Env) {
    let subject = env.new_subject();
    let check = |s: StatusCode, v: &Value, want: StatusCode| {
        assert_eq!(s, want, "{v}");
        assert!(!v.to_string().contains("Quennell") && !v.to_string().contains(SECRET_NAME), "{v}");
    };
    // Unknown subject, unknown request, unknown document and pack.
    let (s, v) = env.call(Role::Dpo, Method::POST, "/api/v1/subjects/nope/notes", Some(json!({"text": SECRET_NAME})));
    check(s, &v, StatusCode::NOT_FOUND);
    let (s, v) = env.call(Role::Dpo, Method::POST, "/api/v1/requests/nope/pack", None);
    check(s, &v, StatusCode::NOT_FOUND);
    let (s, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/subjects/{subject}/documents/nope"), None);
    check(s, &v, StatusCode::NOT_FOUND);
    // Bad notes.
    let (s, v) =
        env.call(Role::Dpo, Method::POST, &format!("/api/v1/subjects/{subject}/notes"), Some(json!({"text": "  "})));
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "text");
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/subjects/{subject}/notes"),
        Some(json!({"text": "x", "category": SECRET_NAME})),
    );
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/subjects/{subject}/notes"),
        Some(json!({"text": "x".repeat(20_001)})),
    );
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY);
    // A huge upload is refused with 413, naming the limit; an empty one with 422.
    let (s, v) = env.upload(Role::Dpo, &subject, "big.pdf", &vec![b'a'; 1_000_001]);
    check(s, &v, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(v["error"]["message"].as_str().unwrap().contains("1000000"));
    let (s, v) = env.upload(Role::Dpo, &subject, "huge.pdf", &vec![b'a'; 3_000_000]);
    check(s, &v, StatusCode::PAYLOAD_TOO_LARGE);
    let (s, v) = env.upload(Role::Dpo, &subject, "empty.pdf", b"");
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _, body) = env.raw(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/subjects/{subject}/documents"),
        Some("application/json"),
        b"{}".to_vec(),
    );
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", String::from_utf8_lossy(&body));
    // Wrong kinds of request, and a request without a subject.
    let r =
        env.create(json!({"kind": "erasure", "received_on": "2026-01-05", "subject_id": subject, "channel": "email"}));
    let (s, v) =
        env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{}/pack", r["id"].as_str().unwrap()), None);
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "kind");
    let r = env.create(json!({"kind": "portability", "received_on": "2026-01-05", "channel": "email"}));
    let (s, v) =
        env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{}/pack", r["id"].as_str().unwrap()), None);
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "subject_id");
    // Bad review decisions.
    let r =
        env.create(json!({"kind": "access", "received_on": "2026-01-05", "subject_id": subject, "channel": "email"}));
    let rid = r["id"].as_str().unwrap();
    let decide =
        |body: Value| env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{rid}/pack-items"), Some(body));
    let (s, v) = decide(json!({"item": "identity", "treatment": "withheld", "exemption": SECRET_NAME}));
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "exemption");
    let (s, v) = decide(json!({"item": "note:nope", "treatment": "withheld", "exemption": "third_party"}));
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "item");
    let (s, v) = decide(json!({"item": "identity", "treatment": "partly_withheld", "exemption": "third_party"}));
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = decide(
        json!({"item": "identity", "treatment": "partly_withheld", "exemption": "third_party", "fields": [SECRET_NAME]}),
    );
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "fields");
    let (s, v) = decide(json!({"item": "identity", "treatment": "hidden", "exemption": "third_party"}));
    assert!(s.is_client_error(), "{v}");
    let (s, _) = env.call(Role::Dpo, Method::DELETE, &format!("/api/v1/requests/{rid}/pack-items/identity"), None);
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Roles: staff and auditors build nothing and see nothing.
    for role in [Role::Staff, Role::Auditor, Role::Admin] {
        let (s, v) = env.call(role, Method::POST, &format!("/api/v1/requests/{rid}/pack"), None);
        assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{role}: {s} {v}");
        let (s, _) = env.call(role, Method::GET, &format!("/api/v1/subjects/{subject}/notes"), None);
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
    // The catalogue.
    let (s, v) = env.call(Role::Auditor, Method::GET, "/api/v1/exemptions", None);
    assert_eq!(s, StatusCode::OK);
    assert!(v["exemptions"].as_array().unwrap().iter().any(|e| e["code"] == "legal_privilege"));
}

on_both_backends!(pack_opens_with_every_item, bad_input_is_refused_without_echoing);
