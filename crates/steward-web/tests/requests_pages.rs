//! The rights-requests pages end to end: the list (nearest due first, overdue impossible
//! to miss), logging a request through the form, recording events (an extension moves
//! the statutory date; refusals land in the error summary), the dashboard's requests
//! due, and who may see them. Driven in-process with `oneshot` through the whole
//! router on SQLite, signed in through the sign-in form. All personal data is fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::ToSpan;
use jiff::civil::Date;
use std::sync::Arc;
use steward_app::requests::{NewRequest, uk_today};
use steward_app::{App, Context};
use steward_core::Role;
use steward_core::subject::NewSubject;
use steward_crypto::MasterKey;
use steward_store::Store;
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery staple";

struct User {
    cookie: String,
    csrf: String,
}

struct Env {
    router: axum::Router,
    app: Arc<App>,
    dpo: User,
    staff: User,
    auditor: User,
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
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

    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    fn assert_has(&self, needle: &str) -> &Self {
        assert!(self.text.contains(needle), "expected {needle:?} in: {}", self.text);
        self
    }

    fn at(&self, needle: &str) -> usize {
        self.text.find(needle).unwrap_or_else(|| panic!("expected {needle:?} in: {}", self.text))
    }
}

fn encode(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).expect("encode form")
}

fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF field on the page") + marker.len();
    html[start..].split('"').next().expect("token").to_string()
}

fn long(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::TempDir::new().expect("temporary directory");
        let store = Store::open_sqlite(&dir.path().join("steward.db")).expect("open SQLite store");
        let key = MasterKey::generate().expect("master key");
        let app = App::open(store, &key, &dir.path().join("erasures.jsonl")).expect("open app");
        let ctx = Context::cli();
        app.set_two_factor_enforced(&ctx, false).expect("two-factor off");
        let people = [
            (Role::Dpo, "dpo@example.org", "Dana Okafor"),
            (Role::Staff, "staff@example.org", "Sam Patel"),
            (Role::Auditor, "audit@example.org", "Ade Brown"),
        ];
        for (role, email, name) in people {
            app.create_user_with_password(&ctx, email, name, role, PASSWORD).expect("create user");
        }
        let app = Arc::new(app);
        let router = steward_web::router(app.clone());
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let blank = || User { cookie: String::new(), csrf: String::new() };
        let mut env = Self { router, app, dpo: blank(), staff: blank(), auditor: blank(), rt, _dir: dir };
        env.dpo = env.sign_in("dpo@example.org");
        env.staff = env.sign_in("staff@example.org");
        env.auditor = env.sign_in("audit@example.org");
        env
    }

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

    fn sign_in(&self, email: &str) -> User {
        let r = self.send(
            Request::builder()
                .method(Method::POST)
                .uri("/sign-in")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(encode(&[("email", email), ("password", PASSWORD)])))
                .expect("request"),
        );
        r.assert_status(StatusCode::SEE_OTHER);
        let set_cookie = r.headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("a session cookie");
        let cookie = set_cookie.split(';').next().expect("cookie pair").to_string();
        let mut user = User { cookie, csrf: String::new() };
        user.csrf = csrf_of(&self.get(&user, "/account").text);
        user
    }

    fn get(&self, user: &User, uri: &str) -> Resp {
        self.send(
            Request::builder()
                .method(Method::GET)
                .uri(uri)
                .header(header::COOKIE, &user.cookie)
                .body(Body::empty())
                .expect("request"),
        )
    }

    fn post(&self, user: &User, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all = vec![("_csrf", user.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(user, uri, encode(&all))
    }

    fn post_raw(&self, user: &User, uri: &str, body: String) -> Resp {
        self.send(
            Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::COOKIE, &user.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("request"),
        )
    }

    fn subject(&self) -> String {
        let s = NewSubject { given_name: "Jane".into(), family_name: "Smith".into(), ..NewSubject::default() };
        self.app.create_subject(&Context::cli(), s).expect("create subject").id
    }

    /// A subject-access request received `days_ago` days ago; its (id, reference).
    fn request(&self, days_ago: i64) -> (String, String) {
        let received = uk_today().checked_sub(days_ago.days()).expect("in range");
        let input: NewRequest = serde_json::from_value(serde_json::json!({
            "kind": "access", "received_on": received.to_string(), "channel": "email"
        }))
        .expect("request input");
        let v = self.app.create_request(&Context::cli(), input).expect("create request");
        (v.id, v.reference)
    }
}

fn date_fields(prefix: &str, d: Date) -> [(String, String); 3] {
    [
        (prefix.to_string(), d.day().to_string()),
        (format!("{prefix}-month"), d.month().to_string()),
        (format!("{prefix}-year"), d.year().to_string()),
    ]
}

#[test]
fn the_list_is_nearest_due_first_and_overdue_is_impossible_to_miss() {
    let env = Env::new();
    let (later, _) = env.request(0);
    let (overdue, overdue_ref) = env.request(60);
    let (middle, _) = env.request(20);
    let r = env.get(&env.dpo, "/requests");
    r.assert_status(StatusCode::OK).assert_has("<h1>Requests</h1>").assert_has("Subject access");
    r.assert_has(r#"aria-current="page">Requests</a>"#);
    let (a, b, c) = (
        r.at(&format!("/requests/{overdue}")),
        r.at(&format!("/requests/{middle}")),
        r.at(&format!("/requests/{later}")),
    );
    assert!(a < b && b < c, "nearest due first");
    r.assert_has(r#"<span class="tag tag--late">Overdue</span> <span class="due-text">by "#);
    assert!(r.at("Overdue") > a && r.at("Overdue") < b, "the overdue tag is on the overdue request");

    // Closed requests are hidden by default and shown by the filter.
    let closed = env.get(&env.dpo, "/requests?status=closed");
    closed.assert_status(StatusCode::OK).assert_has("There are no requests to show.");
    env.get(&env.dpo, "/requests?status=all").assert_status(StatusCode::OK).assert_has(&overdue_ref);

    // The dashboard names the overdue request among what needs attention.
    let d = env.get(&env.dpo, "/");
    d.assert_status(StatusCode::OK).assert_has("overdue").assert_has(&format!("/requests/{overdue}"));
    d.assert_has(&format!("{overdue_ref}, Subject access – OVERDUE"));
}

#[test]
fn logging_a_request_through_the_form() {
    let env = Env::new();
    let subject = env.subject();
    let form = env.get(&env.dpo, &format!("/requests/new?subject={subject}"));
    form.assert_status(StatusCode::OK).assert_has(&format!(r#"value="{subject}""#));
    form.assert_has(r#"value="england-and-wales" selected"#);
    // The subject's page links here.
    env.get(&env.dpo, &format!("/subjects/{subject}")).assert_has(&format!("/requests/new?subject={subject}"));

    let received = uk_today().checked_sub(3.days()).expect("in range");
    let dates = date_fields("received_on", received);
    let mut fields: Vec<(&str, &str)> = vec![
        ("kind", "erasure"),
        ("channel", "letter"),
        ("made_by", "representative"),
        ("region", "scotland"),
        ("subject_id", &subject),
        ("rep_name", "Eilidh Fraser"),
        ("rep_capacity", "solicitor"),
        ("rep_evidence", "Signed letter of authority"),
    ];
    fields.extend(dates.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, "/requests", &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    let to = r.location().to_string();
    assert!(to.starts_with("/requests/") && to.ends_with("?done=created"), "{to}");
    let page = env.get(&env.dpo, &to);
    page.assert_status(StatusCode::OK).assert_has("Request logged").assert_has("Erasure").assert_has("Scotland");
    page.assert_has(&long(received)).assert_has(&format!(r#"href="/subjects/{subject}""#));

    // A date in the future is refused, on the field, in the error summary.
    let future = date_fields("received_on", uk_today().checked_add(2.days()).expect("in range"));
    let mut bad: Vec<(&str, &str)> = vec![("kind", "access"), ("channel", "email"), ("made_by", "subject")];
    bad.push(("region", "england-and-wales"));
    bad.extend(future.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, "/requests", &bad);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("There is a problem");
    r.assert_has(r##"<a href="#received_on">The date received is in the future"##);
    r.assert_has("<title>Error: Log a request");

    // Nothing chosen: every field is named.
    let r = env.post(&env.dpo, "/requests", &[]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(r##"href="#kind""##).assert_has(r##"href="#received_on""##).assert_has(r##"href="#channel""##);

    // Staff may log a request but not open it: they are told its reference.
    let r = env.post(&env.staff, "/requests", &fields);
    r.assert_status(StatusCode::OK).assert_has("Request logged").assert_has("Its reference is");
}

#[test]
fn an_extension_in_the_first_month_moves_the_statutory_date_and_a_late_one_is_refused() {
    let env = Env::new();
    let (id, _) = env.request(5);
    let before = env.app.get_request(&Context::cli(), &id).expect("request").statutory_due_on;
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    page.assert_status(StatusCode::OK).assert_has(&long(before)).assert_has("Extension must be told by");
    page.assert_has("Extend the time limit by two months");

    let today = date_fields("extended-on", uk_today());
    let mut fields: Vec<(&str, &str)> = vec![("kind", "extended"), ("extended-reason", "Many records across teams.")];
    fields.extend(today.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, &format!("/requests/{id}/events"), &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/requests/{id}?done=extended"));
    let after = env.app.get_request(&Context::cli(), &id).expect("request").statutory_due_on;
    assert!(after > before.checked_add(1.month()).expect("in range"), "{before} → {after}");
    let page = env.get(&env.dpo, r.location());
    page.assert_has(&long(after)).assert_has("Recorded: time limit extended");
    page.assert_has("Time limit extended by two months. Reason: Many records across teams.").assert_has("Dana Okafor");

    // After the first month, the application refuses it and the summary says why.
    let (late, _) = env.request(70);
    let r = env.post(&env.dpo, &format!("/requests/{late}/events"), &fields);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("There is a problem");
    r.assert_has(r##"<a href="#extended-on">The date is after the first month ended"##);

    // Out of order: closing before the response was sent.
    let close = date_fields("closed-on", uk_today());
    let mut fields: Vec<(&str, &str)> = vec![("kind", "closed")];
    fields.extend(close.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, &format!("/requests/{late}/events"), &fields);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("Record the response as sent before closing");
}

#[test]
fn roles_without_subject_read_are_refused_and_forms_need_the_csrf_token() {
    let env = Env::new();
    let (id, _) = env.request(1);
    for uri in ["/requests".to_string(), format!("/requests/{id}")] {
        env.get(&env.auditor, &uri).assert_status(StatusCode::FORBIDDEN);
        env.get(&env.staff, &uri).assert_status(StatusCode::FORBIDDEN);
    }
    env.get(&env.auditor, "/requests/new").assert_status(StatusCode::FORBIDDEN);
    let nav = env.get(&env.auditor, "/");
    assert!(!nav.text.contains(r#"href="/requests""#), "no Requests link for the auditor");

    let body = encode(&[("kind", "access"), ("channel", "email")]);
    env.post_raw(&env.dpo, "/requests", body).assert_status(StatusCode::FORBIDDEN);
    let body = encode(&[("kind", "response_sent"), ("response_sent-on", "1")]);
    env.post_raw(&env.dpo, &format!("/requests/{id}/events"), body).assert_status(StatusCode::FORBIDDEN);
    assert!(env.app.get_request(&Context::cli(), &id).expect("request").events.is_empty(), "nothing recorded");
}

#[test]
fn a_new_access_request_lists_its_checklist_and_steps_can_be_marked_done() {
    let env = Env::new();
    let (id, _) = env.request(2);
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    page.assert_status(StatusCode::OK).assert_has(r#"<h2 id="checklist">Checklist</h2>"#);
    let mut last = 0;
    for letter in 'A'..='M' {
        let at = page.at(&format!(r#"<li id="step-{letter}">"#));
        assert!(at > last, "step {letter} in order");
        last = at;
        page.assert_has(&format!(r#"action="/requests/{id}/steps/{letter}""#));
    }
    assert!(!page.text.contains(r#"id="step-N""#), "A to M only");
    assert_eq!(page.text.matches("Not done").count(), 13, "nothing done yet");

    let r = env.post(&env.dpo, &format!("/requests/{id}/steps/B"), &[("done", "true")]);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/requests/{id}?done=step"));
    let page = env.get(&env.dpo, r.location());
    page.assert_has("Checklist updated").assert_has(&format!("Done by Dana Okafor on {}", long(uk_today())));
    assert_eq!(page.text.matches("Not done").count(), 12);
    let b = page.at(r#"<li id="step-B">"#);
    assert!(page.text[b..].find("Undo").expect("an undo button") < page.text[b..].find("step-C").expect("step C"));

    // Undo.
    env.post(&env.dpo, &format!("/requests/{id}/steps/B"), &[("done", "false")]).assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    assert_eq!(page.text.matches("Not done").count(), 13);
    assert!(!page.text.contains("Done by"), "undone");
}

#[test]
fn a_search_appears_in_the_log_and_its_terms_are_sealed_at_rest() {
    let env = Env::new();
    let (id, _) = env.request(2);
    let terms = "Quillfeather-Marchbanks tenancy 4417";
    let answer = "Nothing held by Zephyrine Payroll";
    let on = date_fields("search-on", uk_today());
    let mut fields: Vec<(&str, &str)> = vec![
        ("search-system", "Housing management system"),
        ("search-terms", terms),
        ("search-hits", "7"),
        ("search-processor", "yes"),
        ("search-answer", answer),
    ];
    fields.extend(on.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, &format!("/requests/{id}/searches"), &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/requests/{id}?done=search"));
    let page = env.get(&env.dpo, r.location());
    page.assert_has("Search recorded").assert_has(r#"<caption id="searches-caption">Systems searched</caption>"#);
    let row = format!(
        "<tr><td>Housing management system</td><td>{}</td><td>Dana Okafor</td><td>{terms}</td><td>7</td><td>Yes</td><td>{answer}</td></tr>",
        long(uk_today())
    );
    page.assert_has(&row);

    // The terms and the answer are sealed: not in the database file or its log.
    let mut raw = std::fs::read(env._dir.path().join("steward.db")).expect("read the database");
    if let Ok(wal) = std::fs::read(env._dir.path().join("steward.db-wal")) {
        raw.extend(wal);
    }
    for secret in [terms, answer] {
        assert!(!raw.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret:?} is in the raw bytes");
    }
    assert!(raw.windows(9).any(|w| w == b"Housing m"), "the system name is stored, so the file was read");

    // Bad input: every problem in the error summary, and what was typed kept.
    let bad = [("search-system", ""), ("search-terms", "kept terms"), ("search-hits", "lots"), ("search-on", "31")];
    let r = env.post(&env.dpo, &format!("/requests/{id}/searches"), &bad);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("There is a problem");
    r.assert_has(r##"href="#search-system""##).assert_has(r##"href="#search-hits""##);
    r.assert_has(r##"<a href="#search-on">The date searched must include a day, a month and a year"##);
    r.assert_has(r#"value="kept terms""#);
}

#[test]
fn roles_without_subject_update_cannot_tick_steps_or_log_searches() {
    let env = Env::new();
    let (id, _) = env.request(1);
    for user in [&env.auditor, &env.staff] {
        env.post(user, &format!("/requests/{id}/steps/A"), &[("done", "true")]).assert_status(StatusCode::FORBIDDEN);
        let fields = [("search-system", "CRM"), ("search-terms", "Smith"), ("search-hits", "1"), ("search-on", "5")];
        env.post(user, &format!("/requests/{id}/searches"), &fields).assert_status(StatusCode::FORBIDDEN);
    }
    // Without the CSRF token, even the DPO is refused.
    env.post_raw(&env.dpo, &format!("/requests/{id}/steps/A"), encode(&[("done", "true")]))
        .assert_status(StatusCode::FORBIDDEN);
    let steps = env.app.request_steps(&Context::cli(), &id).expect("steps");
    assert!(steps.iter().all(|s| s.done_at.is_none()), "nothing marked done");
    assert!(env.app.request_searches(&Context::cli(), &id).expect("searches").is_empty(), "nothing logged");
}
