//! Shared by the API test modules: the app on a fresh test database (SQLite, or a
//! PostgreSQL schema; see `steward-testkit`), a token for every role, and JSON calls
//! through the router. `Env` is a fixture, so `on_both_backends!` runs scenarios taking
//! `&Env` on both backends.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use std::sync::Arc;
use steward_app::{App, Context};
use steward_core::Role;
use steward_testkit::{Database, Fixture, Web};
use tower::ServiceExt;

pub struct Env {
    pub router: axum::Router,
    pub app: Arc<App>,
    pub tokens: Vec<(Role, String)>,
    pub rt: tokio::runtime::Runtime,
    /// The database, dropped last.
    pub db: Database,
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        let app = db.open_app();
        let tokens = Role::ALL
            .iter()
            .map(|&r| (r, app.create_token(&Context::cli(), &format!("test {r}"), r).expect("token").1))
            .collect();
        let Web { router, app, rt } = Web::new(app);
        Self { router, app, tokens, rt, db }
    }
}

impl Env {
    /// An app on `db` whose clock is `clock`, with a token for every role.
    pub fn with_clock(db: Database, clock: Arc<dyn steward_core::time::Clock>) -> Self {
        let app = db.open_app().with_clock(clock);
        let tokens = Role::ALL
            .iter()
            .map(|&r| (r, app.create_token(&Context::cli(), &format!("test {r}"), r).expect("token").1))
            .collect();
        let Web { router, app, rt } = Web::new(app);
        Self { router, app, tokens, rt, db }
    }

    /// Give subject `id` to the caseworker token (it acts for the organisation, so it
    /// sees only the cases assigned to it).
    pub fn assign_to_caseworker(&self, id: &str) {
        self.app.assign_subject(&Context::cli(), id, &self.caseworker_key()).expect("assign");
    }

    /// The caseworker token as an assignee (`token:<id>`).
    pub fn caseworker_key(&self) -> String {
        let token = self
            .app
            .list_tokens(&Context::cli())
            .expect("tokens")
            .into_iter()
            .find(|t| t.role == "caseworker" && t.user_id.is_none())
            .expect("the caseworker token");
        format!("token:{}", token.id)
    }

    pub fn token(&self, role: Role) -> &str {
        &self.tokens.iter().find(|(r, _)| *r == role).expect("token").1
    }

    pub fn call(&self, role: Role, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token(role)));
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(&v).expect("encode"))
            }
            None => Body::empty(),
        };
        let router = self.router.clone();
        let req = b.body(body).expect("request");
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("router");
            let status = resp.status();
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
        })
    }

    /// A call with the role's token (or none), answering the status, the headers and
    /// the body as text.
    pub fn call_with_headers(&self, role: Option<Role>, method: Method, uri: &str) -> (StatusCode, HeaderMap, String) {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(role) = role {
            b = b.header(header::AUTHORIZATION, format!("Bearer {}", self.token(role)));
        }
        let req = b.body(Body::empty()).expect("request");
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("router");
            let (status, headers) = (resp.status(), resp.headers().clone());
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            (status, headers, String::from_utf8_lossy(&bytes).into_owned())
        })
    }

    /// A `multipart/form-data` call: text parts `(name, value)` and file parts
    /// `(filename, bytes)` named `file`.
    pub fn multipart(
        &self,
        role: Role,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> (StatusCode, Value) {
        let boundary = "StEwArDbOuNdArY7";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (filename, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token(role)))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .expect("request");
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("router");
            let status = resp.status();
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
        })
    }

    pub fn create(&self, body: Value) -> Value {
        let (s, v) = self.call(Role::Dpo, Method::POST, "/api/v1/requests", Some(body));
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v
    }

    pub fn event(&self, id: &str, body: Value) -> (StatusCode, Value) {
        self.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{id}/events"), Some(body))
    }
}
