//! The public request and complaint form, end to end: the routes driven in-process with
//! `oneshot` over an app built as the binary builds it, on SQLite and (when
//! `STEWARD_TEST_POSTGRES_URL` is set) on PostgreSQL. All personal data is fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use std::net::SocketAddr;
use std::sync::Arc;
use steward_app::public::{PublicInput, SubmissionKind, SubmissionStatus};
use steward_app::{App, AppError, Context};
use steward_core::Role;
use steward_testkit::{Database, Fixture, Web, on_both_backends};
use tower::ServiceExt;

/// A fresh application behind the public form's routes and the assets. Fields drop in
/// order: router and app first, then the runtime, the schema and the directory.
struct Env {
    router: axum::Router,
    app: Arc<App>,
    rt: tokio::runtime::Runtime,
    db: Database,
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Resp {
    fn assert_status(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.text);
        self
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// The reference on a confirmation page.
    fn reference(&self) -> String {
        let start = self.text.find("panel__reference\">").expect("a reference on the page") + 18;
        self.text[start..].split('<').next().expect("reference text").to_string()
    }
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        let app = db.open_app();
        assert_eq!(app.store().kind(), db.backend());
        app.set_org_settings(&Context::cli(), Some("Riverside Housing Association"), None).expect("org name");
        let app = Arc::new(app);
        let state = steward_web::AppState { app: app.clone(), cookie_secure: false };
        let router = axum::Router::new()
            .merge(steward_web::ui::public::routes())
            .merge(steward_web::assets::routes())
            .with_state(state);
        let Web { router, app, rt } = Web::with_router(app, router);
        Self { router, app, rt, db }
    }
}

impl Env {
    fn send(&self, req: Request<Body>) -> Resp {
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("the router never fails");
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = resp.into_body().collect().await.expect("read body").to_bytes();
            Resp { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
        })
    }

    fn get(&self, uri: &str) -> Resp {
        self.send(Request::builder().method(Method::GET).uri(uri).body(Body::empty()).expect("request"))
    }

    /// POST the form from `peer` (no connection information when `None`).
    fn post_from(&self, peer: Option<&str>, fields: &[(&str, &str)]) -> Resp {
        let body = fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&");
        self.post_raw(peer, body.into_bytes())
    }

    fn post_raw(&self, peer: Option<&str>, body: Vec<u8>) -> Resp {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri("/request")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        if let Some(ip) = peer {
            let addr: SocketAddr = format!("{ip}:50000").parse().expect("socket address");
            req.extensions_mut().insert(ConnectInfo(addr));
        }
        self.send(req)
    }

    fn post(&self, fields: &[(&str, &str)]) -> Resp {
        self.post_from(None, fields)
    }

    /// A form token as if the form had been shown `secs` seconds ago.
    fn token(&self, secs: i64) -> String {
        self.app.public_form_token_at(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(secs))
    }

    fn dpo(&self) -> Context {
        Context::new("user:test-dpo", Role::Dpo, "test")
    }

    fn submission_count(&self) -> i64 {
        self.app.list_submissions(&self.dpo(), 1).expect("list").total
    }

    fn audit_actions(&self, action: &str) -> Vec<steward_core::audit::AuditRecord> {
        let filter = steward_store::AuditFilter { action: Some(action.into()), limit: 500, ..Default::default() };
        self.app.audit_entries(&self.dpo(), &filter).expect("audit entries")
    }

    /// Every byte the database holds about submissions and rate limits, as text.
    fn raw_database_text(&self) -> String {
        match self.db.pg() {
            None => {
                self.app.store().checkpoint().expect("checkpoint");
                String::from_utf8_lossy(&self.db.raw_contents()).into_owned()
            }
            Some(pg) => {
                let mut c = pg.client();
                let mut out = String::new();
                for row in c
                    .query(
                        "SELECT id || reference || kind || status || submitted_at || encode(coalesce(wrapped_key, ''::bytea), 'escape') || encode(coalesce(data, ''::bytea), 'escape') FROM public_submissions",
                        &[],
                    )
                    .expect("raw submissions")
                {
                    out.push_str(&row.get::<_, String>(0));
                }
                for row in c.query("SELECT bucket || window_start FROM rate_limits", &[]).expect("raw rate limits") {
                    out.push_str(&row.get::<_, String>(0));
                }
                for row in c.query("SELECT actor || action || object_id || detail FROM audit_log", &[]).expect("audit")
                {
                    out.push_str(&row.get::<_, String>(0));
                }
                out
            }
        }
    }
}

/// Form-urlencoding of one value.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

on_both_backends! {
    form_renders_with_labels_for_every_field,
    good_request_is_sealed_audited_and_confirmed,
    complaint_gets_its_own_reference_and_deadline,
    missing_contact_keeps_values_escaped,
    honeypot_pretends_and_stores_nothing,
    form_token_timing_is_enforced,
    a_form_is_sent_once,
    rate_limited_after_five_in_ten_minutes,
    unicode_names_round_trip,
    over_long_details_are_named,
    inbox_operations_need_the_right_role,
}

// ---------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------

const NAME: &str = "Marguerite Okonkwo-Hale";
const EMAIL: &str = "m.okonkwo-hale@example.org";
const DETAILS: &str = "Please send me a copy of my tenancy file, including the notes from the visit in March.";

/// A complete, valid request, shown ten seconds ago.
fn good(env: &Env) -> Vec<(&'static str, String)> {
    vec![
        ("form_token", env.token(10)),
        ("kind", "request".into()),
        ("right", "access".into()),
        ("name", NAME.into()),
        ("email", EMAIL.into()),
        ("phone", String::new()),
        ("address", String::new()),
        ("on_behalf", "no".into()),
        ("subject_name", String::new()),
        ("relationship", String::new()),
        ("details", DETAILS.into()),
        ("website", String::new()),
    ]
}

fn with(mut fields: Vec<(&'static str, String)>, changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    for (k, v) in changes {
        match fields.iter_mut().find(|(f, _)| f == k) {
            Some(slot) => slot.1 = (*v).to_string(),
            None => fields.push((k, (*v).to_string())),
        }
    }
    fields
}

fn refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

// ---------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------

fn form_renders_with_labels_for_every_field(env: &Env) {
    let r = env.get("/request");
    r.assert_status(StatusCode::OK);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
    assert_eq!(r.header(header::CACHE_CONTROL), "no-store");
    let html = &r.text;
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en-GB\">"), "{html}");
    assert!(html.contains("<title>Make a data protection request or complaint – Steward</title>"));
    assert!(html.contains("<a href=\"#main\" class=\"skip-link\">"));
    assert!(html.contains("<main id=\"main\""));
    assert!(html.contains("href=\"/static/steward.css\""));
    assert!(html.contains("<script src=\"/static/htmx.min.js\" defer></script>"));
    assert!(html.contains("Riverside Housing Association"));
    assert!(html.contains("Steward — data protection management"));
    assert!(!html.contains("Sign out"), "no user on a public page");
    assert!(!html.contains("There is a problem"));

    // Every visible field has a label pointing at it.
    let mut ids = Vec::new();
    for chunk in html.split("<input").skip(1).chain(html.split("<textarea").skip(1)) {
        let tag = chunk.split('>').next().unwrap();
        if tag.contains("type=\"hidden\"") {
            continue;
        }
        let id = tag.split("id=\"").nth(1).expect("every field has an id").split('"').next().unwrap();
        assert!(html.contains(&format!("<label for=\"{id}\"")), "field {id} has no label");
        ids.push(id.to_string());
    }
    for id in [
        "kind",
        "kind-complaint",
        "right",
        "right-erasure",
        "right-not_sure",
        "name",
        "email",
        "phone",
        "address",
        "on_behalf",
        "on_behalf-no",
        "subject_name",
        "relationship",
        "details",
        "website",
    ] {
        assert!(ids.iter().any(|i| i == id), "no field {id} in {ids:?}");
    }
    assert_eq!(html.matches("type=\"radio\" id=\"right").count(), 10, "every right is offered");
    assert!(html.contains("name=\"form_token\" value=\""));
    assert!(html.contains("autocomplete=\"email\""));
    // The honeypot is hidden from people and assistive technology.
    let hp = html.split("<div class=\"hp\"").nth(1).expect("honeypot").split("</div>").next().unwrap();
    assert!(hp.starts_with(" aria-hidden=\"true\""));
    assert!(hp.contains("tabindex=\"-1\"") && hp.contains("autocomplete=\"off\""));

    // The assets are served from the binary.
    let css = env.get("/static/steward.css");
    css.assert_status(StatusCode::OK);
    assert_eq!(css.header(header::CONTENT_TYPE), "text/css; charset=utf-8");
    assert_eq!(css.header(header::CACHE_CONTROL), "public, max-age=3600");
    assert!(css.text.contains(".error-summary"));
    let js = env.get("/static/htmx.min.js");
    js.assert_status(StatusCode::OK);
    assert_eq!(js.header(header::CONTENT_TYPE), "text/javascript; charset=utf-8");
    assert!(js.text.len() > 10_000);
    let licence = env.get("/static/htmx.LICENSE.txt");
    assert_eq!(licence.header(header::CONTENT_TYPE), "text/plain; charset=utf-8");
    assert!(licence.text.contains("Zero-Clause BSD"));
}

fn good_request_is_sealed_audited_and_confirmed(env: &Env) {
    let r = env.post_from(Some("203.0.113.7"), &refs(&good(env)));
    r.assert_status(StatusCode::OK);
    let reference = r.reference();
    let year = jiff::Zoned::now().year();
    assert!(reference.starts_with(&format!("SR-{year}-")) && reference.len() == 14, "{reference}");
    assert!(reference[8..].chars().all(|c| "23456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)), "{reference}");
    assert!(r.text.contains("<title>Request sent – Steward</title>"));
    assert!(r.text.contains("We must respond within one month"));
    assert!(!r.text.contains(NAME) && !r.text.contains(EMAIL), "no personal data on the confirmation");

    // Stored sealed: nothing typed is readable in the database, nor the client's address.
    assert_eq!(env.submission_count(), 1);
    let raw = env.raw_database_text();
    assert!(raw.contains(&reference), "the reference is stored in clear");
    for secret in [NAME, EMAIL, "tenancy file", "203.0.113.7"] {
        assert!(!raw.contains(secret), "{secret:?} is readable in the raw database");
    }

    // Listed without personal data; readable (and the view audited) by the DPO.
    let page = env.app.list_submissions(&env.dpo(), 1).unwrap();
    assert_eq!((page.total, page.pages, page.items.len()), (1, 1, 1));
    let item = &page.items[0];
    assert_eq!(
        (item.reference.as_str(), item.kind, item.status),
        (reference.as_str(), SubmissionKind::Request, SubmissionStatus::New)
    );
    assert_eq!(page.counts.get("new"), Some(&1));
    let view = env.app.get_submission(&env.dpo(), &item.id).unwrap();
    assert_eq!(view.name, NAME);
    assert_eq!(view.email.as_deref(), Some(EMAIL));
    assert_eq!(view.details, DETAILS);
    assert_eq!(view.right, Some(steward_app::public::Right::Access));
    assert!(!view.on_behalf && view.subject_name.is_none());
    assert!(!format!("{view:?}").contains(NAME), "Debug output is redacted");

    let created = env.audit_actions("submission.create");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].event.actor, "public");
    assert_eq!(created[0].event.object_id, item.id);
    assert_eq!(created[0].event.detail, "kind=request");
    assert_eq!(env.audit_actions("submission.view").len(), 1);
}

fn complaint_gets_its_own_reference_and_deadline(env: &Env) {
    let fields = with(good(env), &[("kind", "complaint"), ("right", "")]);
    let r = env.post(&refs(&fields));
    r.assert_status(StatusCode::OK);
    assert!(r.reference().starts_with("CP-"));
    assert!(r.text.contains("Complaint sent"));
    assert!(r.text.contains("We will acknowledge your complaint within 30 days"));
    assert!(r.text.contains("ico.org.uk"));
    let page = env.app.list_submissions(&env.dpo(), 1).unwrap();
    let item = &page.items[0];
    assert_eq!(item.kind, SubmissionKind::Complaint);
    assert_eq!(item.due_by, item.received_on.checked_add(jiff::Span::new().days(30)).unwrap());
    assert_eq!(env.app.get_submission(&env.dpo(), &item.id).unwrap().right, None);
}

fn missing_contact_keeps_values_escaped(env: &Env) {
    let fields = with(
        good(env),
        &[
            ("name", "<script>alert(1)</script> O'Neill"),
            ("email", ""),
            ("details", "Line one\n\"quoted\" & <b>bold</b>"),
        ],
    );
    let r = env.post(&refs(&fields));
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = &r.text;
    assert!(html.contains("<title>Error: Make a data protection request or complaint – Steward</title>"));
    assert!(html.contains("There is a problem"));
    assert!(html.contains("<a href=\"#email\">Enter an email address, a phone number or a postal address"));
    assert!(html.contains("id=\"email-error\""));
    assert!(html.contains("aria-invalid=\"true\""));
    // Values are kept, escaped.
    assert!(!html.contains("<script>alert"), "markup must be escaped");
    let escaped = |named: &str| {
        // askama writes `&#60;` for `<`; either entity form is a correct escape.
        let numeric = named.replace("&lt;", "&#60;").replace("&gt;", "&#62;").replace("&amp;", "&#38;");
        html.contains(named) || html.contains(&numeric)
    };
    assert!(escaped("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(html.contains("O&#39;Neill") || html.contains("O&#x27;Neill"), "{html}");
    assert!(escaped("&lt;b&gt;bold&lt;/b&gt;") && escaped("&amp;") && !html.contains("<b>bold"));
    assert!(html.contains("value=\"request\" checked"));
    assert!(html.contains("value=\"access\" checked"));
    // A fresh token, and nothing stored.
    assert!(html.contains("name=\"form_token\" value=\"") && !html.contains(&fields[0].1));
    assert_eq!(env.submission_count(), 0);
    assert!(env.audit_actions("submission.create").is_empty());

    // Several problems at once, in the order of the form.
    let r = env.post(&[("form_token", &env.token(10)), ("on_behalf", "yes")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let order: Vec<usize> = ["#kind", "#name", "#email", "#subject_name", "#relationship", "#details"]
        .iter()
        .map(|f| r.text.find(&format!("<a href=\"{f}\">")).unwrap_or_else(|| panic!("no link to {f}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // A request must say which right; a bad email and phone are named.
    let r = env.post(&refs(&with(good(env), &[("right", ""), ("email", "not-an-email"), ("phone", "12")])));
    for f in ["#right", "#email", "#phone"] {
        assert!(r.text.contains(&format!("<a href=\"{f}\">")), "no link to {f}");
    }
    assert_eq!(env.submission_count(), 0);
}

fn honeypot_pretends_and_stores_nothing(env: &Env) {
    let before = env.app.store().audit_head().unwrap();
    let r = env.post(&refs(&with(good(env), &[("website", "https://spam.example")])));
    r.assert_status(StatusCode::OK);
    assert!(r.reference().starts_with("SR-"));
    assert!(r.text.contains("Request sent"));
    assert_eq!(env.submission_count(), 0);
    assert_eq!(env.app.store().audit_head().unwrap(), before, "nothing audited");
    // Even when sent instantly with no token (as machines do).
    let r = env.post(&[("website", "x"), ("kind", "complaint")]);
    r.assert_status(StatusCode::OK);
    assert!(r.reference().starts_with("CP-"));
    assert_eq!(env.submission_count(), 0);
}

fn form_token_timing_is_enforced(env: &Env) {
    let too_fast = with(good(env), &[("form_token", &env.token(0))]);
    let r = env.post(&refs(&too_fast));
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("<a href=\"#send\">The form was sent very quickly"));
    assert!(r.text.contains(NAME), "answers are kept");
    let expired = with(good(env), &[("form_token", &env.token(2 * 60 * 60 + 5))]);
    let r = env.post(&refs(&expired));
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("<a href=\"#send\">The form had expired"));
    // Forged, altered, missing.
    let secs = (jiff::Timestamp::now().as_second() - 60).to_string();
    let real = env.token(60);
    let altered = real.replacen(&secs, &(jiff::Timestamp::now().as_second() - 30).to_string(), 1);
    for token in [format!("{secs}.AAAA"), altered, String::new(), "nonsense".into()] {
        let r = env.post(&refs(&with(good(env), &[("form_token", &token)])));
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("The form had expired"), "token {token:?}");
    }
    assert_eq!(env.submission_count(), 0);
    // The token of the re-rendered form works once time has passed (here: a real one).
    env.post(&refs(&good(env))).assert_status(StatusCode::OK);
    assert_eq!(env.submission_count(), 1);

    // A body that is not a form, or too large.
    let r = env.post_raw(None, b"%%%=%".to_vec());
    assert!(r.status.is_client_error(), "{}", r.status);
    let big = format!("details={}", "a".repeat(200 * 1024));
    env.post_raw(None, big.into_bytes()).assert_status(StatusCode::PAYLOAD_TOO_LARGE);
}

fn a_form_is_sent_once(env: &Env) {
    // Two forms shown in the same second have different tokens.
    let now = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(10);
    assert_ne!(env.app.public_form_token_at(now), env.app.public_form_token_at(now));

    let fields = good(env);
    let first = env.post(&refs(&fields));
    first.assert_status(StatusCode::OK);
    assert_eq!(env.submission_count(), 1);
    // Send pressed twice, the page reloaded, or the form replayed: no second submission.
    let again = env.post(&refs(&fields));
    again.assert_status(StatusCode::CONFLICT);
    assert!(again.text.contains("<h1>This form has already been sent</h1>"), "{}", again.text);
    assert!(again.text.contains("href=\"/request\""));
    assert!(!again.text.contains(NAME) && !again.text.contains(&first.reference()));
    let changed = env.post(&refs(&with(fields.clone(), &[("kind", "complaint"), ("right", "")])));
    changed.assert_status(StatusCode::CONFLICT);
    assert_eq!(env.submission_count(), 1);
    assert_eq!(env.audit_actions("submission.create").len(), 1);

    // A form sent back for corrections keeps its token until it is sent.
    let token = env.token(10);
    let fixed = with(good(env), &[("form_token", &token)]);
    env.post(&refs(&with(fixed.clone(), &[("name", "")]))).assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    env.post(&refs(&fixed)).assert_status(StatusCode::OK);
    env.post(&refs(&fixed)).assert_status(StatusCode::CONFLICT);
    assert_eq!(env.submission_count(), 2);

    // The same form sent twice at once is accepted once.
    let token = env.token(10);
    let fields = with(good(env), &[("form_token", &token)]);
    let statuses: Vec<StatusCode> = std::thread::scope(|scope| {
        let sends: Vec<_> = (0..4).map(|_| scope.spawn(|| env.post(&refs(&fields)).status)).collect();
        sends.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 3, "{statuses:?}");
    assert_eq!(env.submission_count(), 3);
}

fn rate_limited_after_five_in_ten_minutes(env: &Env) {
    for i in 0..5 {
        let r = env.post_from(Some("198.51.100.23"), &refs(&good(env)));
        assert_eq!(r.status, StatusCode::OK, "submission {i}: {}", r.text);
    }
    let r = env.post_from(Some("198.51.100.23"), &refs(&good(env)));
    r.assert_status(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.header(header::RETRY_AFTER), "600");
    assert!(r.text.contains("Too many forms sent"));
    assert!(r.text.contains("wait 10 minutes"));
    assert!(!r.text.contains(NAME));
    assert_eq!(env.submission_count(), 5);
    // Another address is not affected; invalid forms do not use up the allowance.
    env.post_from(Some("198.51.100.24"), &refs(&good(env))).assert_status(StatusCode::OK);
    for _ in 0..6 {
        env.post_from(Some("198.51.100.25"), &refs(&with(good(env), &[("name", "")])))
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
    env.post_from(Some("198.51.100.25"), &refs(&good(env))).assert_status(StatusCode::OK);
    assert_eq!(env.submission_count(), 7);
    // Requests without connection information share the `unknown` allowance.
    assert!(!env.raw_database_text().contains("198.51.100"), "addresses are stored only as keyed hashes");
}

fn unicode_names_round_trip(env: &Env) {
    let fields = with(
        good(env),
        &[
            ("name", "Siobhán Ní Bhriain"),
            ("email", ""),
            ("phone", "07700 900982"),
            ("address", "Flat 2, 14 Ffordd Glan-y-Môr\r\nAberystwyth\r\nSY23 1AA"),
            ("on_behalf", "yes"),
            ("subject_name", "王芳"),
            ("relationship", "Daughter-in-law"),
            ("details", "我想要一份我的资料。Diolch yn fawr — ﬁle №42."),
        ],
    );
    env.post(&refs(&fields)).assert_status(StatusCode::OK);
    let id = env.app.list_submissions(&env.dpo(), 1).unwrap().items[0].id.clone();
    let v = env.app.get_submission(&env.dpo(), &id).unwrap();
    assert_eq!(v.name, "Siobhán Ní Bhriain");
    assert_eq!(v.subject_name.as_deref(), Some("王芳"));
    assert_eq!(v.relationship.as_deref(), Some("Daughter-in-law"));
    assert_eq!(v.address.as_deref(), Some("Flat 2, 14 Ffordd Glan-y-Môr\nAberystwyth\nSY23 1AA"));
    assert_eq!(v.phone.as_deref(), Some("07700 900982"));
    assert_eq!(v.email, None);
    assert!(v.on_behalf);
    assert_eq!(v.details, "我想要一份我的资料。Diolch yn fawr — ﬁle №42.");
    let raw = env.raw_database_text();
    assert!(!raw.contains("Siobhán") && !raw.contains("王芳"));

    // Re-rendered with a problem, the names come back as typed.
    let r = env.post(&refs(&with(fields, &[("details", "")])));
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("value=\"Siobhán Ní Bhriain\""));
    assert!(r.text.contains("value=\"王芳\""));
    assert!(r.text.contains("<a href=\"#details\">Enter the details of your request</a>"));
}

fn over_long_details_are_named(env: &Env) {
    let long = "Lorem ipsum ".repeat(420); // 5,040 characters
    let r = env.post(&refs(&with(good(env), &[("details", &long)])));
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("<a href=\"#details\">Details must be 5,000 characters or fewer"), "{}", r.text);
    assert!(r.text.contains("id=\"details-error\""));
    assert!(r.text.contains(long.trim()), "the text is kept so it can be shortened");
    assert_eq!(env.submission_count(), 0);
    // Exactly 5,000 characters of three-byte text is accepted.
    let exact = "王".repeat(5_000);
    env.post(&refs(&with(good(env), &[("details", &exact)]))).assert_status(StatusCode::OK);
    assert_eq!(env.submission_count(), 1);
}

fn inbox_operations_need_the_right_role(env: &Env) {
    for _ in 0..3 {
        env.post(&refs(&good(env))).assert_status(StatusCode::OK);
    }
    let as_role = |role: Role| Context::new(format!("user:{role}"), role, "t");
    for role in [Role::Admin, Role::Auditor, Role::Staff] {
        assert!(matches!(env.app.list_submissions(&as_role(role), 1), Err(AppError::Forbidden(_))), "{role}");
    }
    let page = env.app.list_submissions(&env.dpo(), 1).unwrap();
    assert_eq!(page.total, 3);
    let newest = &page.items[0];
    assert!(page.items.windows(2).all(|w| w[0].submitted_at >= w[1].submitted_at), "newest first");
    assert!(matches!(env.app.get_submission(&as_role(Role::Admin), &newest.id), Err(AppError::Forbidden(_))));
    assert!(matches!(env.app.get_submission(&env.dpo(), "no-such-id"), Err(AppError::NotFound(_))));

    // A caseworker sees only what the DPO gave them (need to know).
    let (token, secret) = env.app.create_token(&Context::cli(), "Family hub", Role::Caseworker).unwrap();
    let caseworker = env.app.authenticate_token(&secret, "t").unwrap().unwrap();
    assert_eq!(env.app.list_submissions(&caseworker, 1).unwrap().total, 0);
    assert!(matches!(env.app.get_submission(&caseworker, &newest.id), Err(AppError::Forbidden(_))));
    env.app.assign_submission(&env.dpo(), &newest.id, Some(&format!("token:{}", token.id))).unwrap();
    assert_eq!(env.app.list_submissions(&caseworker, 1).unwrap().total, 1);
    env.app.set_submission_status(&caseworker, &newest.id, SubmissionStatus::Acknowledged).unwrap();
    let page = env.app.list_submissions(&env.dpo(), 1).unwrap();
    assert_eq!(page.counts.get("acknowledged"), Some(&1));
    assert_eq!(page.counts.get("new"), Some(&2));
    assert_eq!(page.counts.get("closed"), Some(&0));
    assert_eq!(page.items.iter().find(|i| i.id == newest.id).unwrap().status, SubmissionStatus::Acknowledged);
    let changed = env.audit_actions("submission.status");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].event.detail, "status=acknowledged");
    assert_eq!(changed[0].event.actor, caseworker.actor);
    assert!(matches!(
        env.app.set_submission_status(&as_role(Role::Auditor), &newest.id, SubmissionStatus::Closed),
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        env.app.set_submission_status(&env.dpo(), "no-such-id", SubmissionStatus::Closed),
        Err(AppError::NotFound(_))
    ));
    // Paging past the end shows the last page.
    assert_eq!(env.app.list_submissions(&env.dpo(), 99).unwrap().page, 1);
    // The submit input type has a redacted Debug.
    let input = PublicInput { name: NAME.into(), ..PublicInput::default() };
    assert!(!format!("{input:?}").contains(NAME));
}
