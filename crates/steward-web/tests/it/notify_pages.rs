//! The email settings and calendar pages end to end: problems listed in the error
//! summary with nothing saved, the SMTP password never sent back, a test message
//! through a local SMTP sink, the scheduled jobs' runs shown, and a calendar address
//! made, fetched without a session, and turned off. Driven in-process with `oneshot`
//! through the whole router on SQLite and PostgreSQL, signed in through the sign-in
//! form.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use std::sync::Arc;
use steward_app::{App, Context};
use steward_core::Role;
use steward_testkit::smtp_sink::SmtpSink;
use steward_testkit::{Database, Fixture, Web, on_both_backends};
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery staple";
const SMTP_PASSWORD: &str = "relay-secret-4471";

struct User {
    cookie: String,
    csrf: String,
}

struct Env {
    router: axum::Router,
    app: Arc<App>,
    rt: tokio::runtime::Runtime,
    _db: Database,
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Resp {
    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

fn encode(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        let app = db.open_app();
        app.set_two_factor_enforced(&Context::cli(), false).unwrap();
        app.create_user_with_password(&Context::cli(), "dpo@example.org", "Dana Okafor", Role::Dpo, PASSWORD).unwrap();
        let Web { router, app, rt } = Web::new(app);
        Self { router, app, rt, _db: db }
    }
}

impl Env {
    fn send(&self, req: Request<Body>) -> Resp {
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            Resp { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
        })
    }

    fn sign_in(&self) -> User {
        let r = self.send(
            Request::post("/sign-in")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(encode(&[("email", "dpo@example.org"), ("password", PASSWORD)])))
                .unwrap(),
        );
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let cookie =
            r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
        let mut user = User { cookie, csrf: String::new() };
        user.csrf = csrf_of(&self.get(&user, "/account").text);
        user
    }

    fn get(&self, user: &User, uri: &str) -> Resp {
        self.send(Request::get(uri).header(header::COOKIE, &user.cookie).body(Body::empty()).unwrap())
    }

    fn post(&self, user: &User, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all = vec![("_csrf", user.csrf.as_str())];
        all.extend_from_slice(fields);
        self.send(
            Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::COOKIE, &user.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(encode(&all)))
                .unwrap(),
        )
    }
}

on_both_backends!(email_settings_page_checks_saves_and_sends_a_test, calendar_address_is_made_fetched_and_turned_off,);

fn form(port: &str, password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("host", "127.0.0.1".into()),
        ("port", port.into()),
        ("security", "none".into()),
        ("username", String::new()),
        ("password", password.into()),
        ("from", "steward@example.org".into()),
        ("base_url", "https://steward.example.org".into()),
        ("reminder_days", "7, 2".into()),
        ("reminder_time", "07:00".into()),
    ]
}

fn fields<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn email_settings_page_checks_saves_and_sends_a_test(env: &Env) {
    let dpo = env.sign_in();
    let sink = SmtpSink::start();
    let page = env.get(&dpo, "/settings/email");
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Email and reminders") && page.text.contains("No job has run yet"));
    assert!(env.get(&dpo, "/settings").text.contains("href=\"/settings/email\""));

    // Problems: listed, nothing saved, the typed password not sent back.
    let mut bad = form("not-a-port", SMTP_PASSWORD);
    bad[5].1 = "nobody".into();
    let r = env.post(&dpo, "/settings/email", &fields(&bad));
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("There is a problem") && r.text.contains("href=\"#port\"") && r.text.contains("href=\"#from\"")
    );
    assert!(!r.text.contains(SMTP_PASSWORD), "the password is never sent back");
    assert!(!env.app.mail_settings(&Context::cli()).unwrap().configured());

    // Saved; the password is kept, not shown.
    let port = sink.port.to_string();
    let r = env.post(&dpo, "/settings/email", &fields(&form(&port, SMTP_PASSWORD)));
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/settings/email?saved=1"));
    let page = env.get(&dpo, "/settings/email?saved=1");
    assert!(page.text.contains("Email settings saved") && page.text.contains("A password is saved"));
    assert!(!page.text.contains(SMTP_PASSWORD));

    // A test message reaches the sink.
    let r = env.post(&dpo, "/settings/email/test", &[("to", "it@example.org")]);
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/settings/email?sent=1"), "{}", r.text);
    assert_eq!(sink.mails().len(), 1);
    assert_eq!(sink.mails()[0].to, ["it@example.org"]);
    let r = env.post(&dpo, "/settings/email/test", &[("to", "not an address")]);
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("href=\"#to\""));

    // A mail server that is not there: a clear message, no server error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = closed.local_addr().unwrap().port().to_string();
    drop(closed);
    let r = env.post(&dpo, "/settings/email", &fields(&form(&dead, "")));
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = env.post(&dpo, "/settings/email/test", &[("to", "it@example.org")]);
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("The test message was not sent"), "{}", r.text);

    // A run of the job is listed.
    env.app.run_job(&Context::cli(), "reminders", steward_app::jobs::Cause::Manual, "h").unwrap();
    let page = env.get(&dpo, "/settings/email");
    assert!(page.text.contains("Scheduled jobs") && page.text.contains("<td>reminders</td>"), "{}", page.text);
}

fn calendar_address_is_made_fetched_and_turned_off(env: &Env) {
    let dpo = env.sign_in();
    assert!(env.get(&dpo, "/account").text.contains("href=\"/account/calendar\""));
    assert!(env.get(&dpo, "/account/calendar").text.contains("You have no calendar address"));
    let r = env.post(&dpo, "/account/calendar", &[]);
    assert_eq!(r.status, StatusCode::OK);
    let start = r.text.find("/calendar/cal_").expect("the new address is shown");
    let path: String = r.text[start..].chars().take_while(|c| *c != '<').collect();
    assert!(path.ends_with(".ics"), "{path}");
    assert!(r.text.contains("shown only once"));
    // Not shown again.
    assert!(!env.get(&dpo, "/account/calendar").text.contains("/calendar/cal_"));
    let fetch = |p: &str| env.send(Request::get(p).body(Body::empty()).unwrap());
    let feed = fetch(&path);
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.text.starts_with("BEGIN:VCALENDAR"));
    let r = env.post(&dpo, "/account/calendar/revoke", &[]);
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/account/calendar?revoked=1"));
    assert_eq!(fetch(&path).status, StatusCode::NOT_FOUND);
}
