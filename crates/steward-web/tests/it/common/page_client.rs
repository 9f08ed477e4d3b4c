//! Shared by the page test modules: an app on a test database (SQLite or PostgreSQL;
//! see `steward-testkit`) with two-factor sign-in off, the whole router driven
//! in-process with `oneshot`, people signed in through the sign-in form (session cookie
//! and CSRF token), and answers with assertions on their HTML.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::civil::Date;
use std::sync::Arc;
use steward_app::{App, Context};
use steward_core::Role;
use steward_testkit::{Database, Web};
use tower::ServiceExt;

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// A signed-in person: their session cookie and the CSRF token of their forms.
pub struct User {
    pub cookie: String,
    pub csrf: String,
}

impl User {
    /// Not signed in yet.
    pub fn blank() -> Self {
        Self { cookie: String::new(), csrf: String::new() }
    }
}

/// An answer.
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn assert_status(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.text);
        self
    }

    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    pub fn has(&self, needle: &str) -> bool {
        self.text.contains(needle)
    }

    pub fn assert_has(&self, needle: &str) -> &Self {
        assert!(self.text.contains(needle), "expected {needle:?} in: {}", self.text);
        self
    }

    pub fn assert_lacks(&self, needle: &str) -> &Self {
        assert!(!self.text.contains(needle), "did not expect {needle:?} in: {}", self.text);
        self
    }

    /// Where `needle` first occurs (to check order on a page).
    pub fn at(&self, needle: &str) -> usize {
        self.text.find(needle).unwrap_or_else(|| panic!("expected {needle:?} in: {}", self.text))
    }
}

pub fn encode(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).expect("encode form")
}

pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF field on the page") + marker.len();
    html[start..].split('"').next().expect("token").to_string()
}

/// A date as pages write it ("5 January 2026").
pub fn long(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// The three boxes of a date field named `prefix`.
pub fn date_fields(prefix: &str, d: Date) -> [(String, String); 3] {
    [
        (prefix.to_string(), d.day().to_string()),
        (format!("{prefix}-month"), d.month().to_string()),
        (format!("{prefix}-year"), d.year().to_string()),
    ]
}

/// The app, its router and a runtime to drive it. The database it is open on must
/// outlive it.
pub struct Client {
    pub router: axum::Router,
    pub app: Arc<App>,
    pub rt: tokio::runtime::Runtime,
}

impl Client {
    /// A fresh app on `db` with an account for each of `people` (role, email, name);
    /// returns the client and the accounts' user ids in the same order.
    pub fn new(db: &Database, people: &[(Role, &str, &str)]) -> (Self, Vec<String>) {
        let app = db.open_app();
        let ctx = Context::cli();
        app.set_two_factor_enforced(&ctx, false).expect("two-factor off");
        let ids = people
            .iter()
            .map(|(role, email, name)| {
                app.create_user_with_password(&ctx, email, name, *role, PASSWORD).expect("create user").id
            })
            .collect();
        let Web { router, app, rt } = Web::new(app);
        (Self { router, app, rt }, ids)
    }

    pub fn send(&self, req: Request<Body>) -> Resp {
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("the router never fails");
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = resp.into_body().collect().await.expect("read body").to_bytes();
            Resp { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
        })
    }

    /// Sign in through the form and read the CSRF token from the account page.
    pub fn sign_in(&self, email: &str) -> User {
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

    pub fn get(&self, user: &User, uri: &str) -> Resp {
        self.send(
            Request::builder()
                .method(Method::GET)
                .uri(uri)
                .header(header::COOKIE, &user.cookie)
                .body(Body::empty())
                .expect("request"),
        )
    }

    /// A form post with the user's CSRF token added.
    pub fn post(&self, user: &User, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all = vec![("_csrf", user.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(user, uri, encode(&all))
    }

    pub fn post_raw(&self, user: &User, uri: &str, body: String) -> Resp {
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
}

/// A client with one signed-in person in each role: the cast the page tests share
/// (Dana Okafor the DPO, Alex Reid the administrator, Sam Patel of staff, Cai Morgan the
/// caseworker, Ade Brown the auditor). Every password is [`PASSWORD`].
pub struct Team {
    pub client: Client,
    pub dpo: User,
    pub admin: User,
    pub staff: User,
    pub caseworker: User,
    pub auditor: User,
    /// The caseworker's user id, for giving them cases.
    pub caseworker_id: String,
    /// The database, kept for as long as the team (and for raw reads).
    pub db: Database,
}

impl Team {
    /// The team on a fresh app over `db`, everyone signed in.
    pub fn new(db: Database) -> Self {
        let (client, ids) = Client::new(
            &db,
            &[
                (Role::Dpo, "dpo@example.org", "Dana Okafor"),
                (Role::Admin, "admin@example.org", "Alex Reid"),
                (Role::Staff, "staff@example.org", "Sam Patel"),
                (Role::Caseworker, "case@example.org", "Cai Morgan"),
                (Role::Auditor, "audit@example.org", "Ade Brown"),
            ],
        );
        let dpo = client.sign_in("dpo@example.org");
        let admin = client.sign_in("admin@example.org");
        let staff = client.sign_in("staff@example.org");
        let caseworker = client.sign_in("case@example.org");
        let auditor = client.sign_in("audit@example.org");
        Self { client, dpo, admin, staff, caseworker, auditor, caseworker_id: ids[3].clone(), db }
    }
}

impl std::ops::Deref for Team {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}
