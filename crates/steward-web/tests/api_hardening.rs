//! The API's answers to what a careless or hostile client sends: every response under
//! `/api/` is marked never to be cached nor sniffed and may not be framed; the Swagger
//! UI page has a content security policy it works under. Each scenario runs on SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set, on
//! PostgreSQL. All data is fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
#[path = "common/api_env.rs"]
mod api_env;

use axum::http::{HeaderMap, Method, StatusCode, header};
use serde_json::json;
use steward_core::Role;

use api_env::{Env, run_postgres, run_sqlite};

on_both_backends!(api_answers_are_never_cached_sniffed_or_framed, the_api_docs_page_has_a_policy_it_works_under,);

fn header<'a>(h: &'a HeaderMap, name: header::HeaderName) -> &'a str {
    h.get(&name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

fn api_answers_are_never_cached_sniffed_or_framed(env: &Env) {
    let subject = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/subjects",
        Some(json!({"given_name": "Rosalind", "family_name": "Achterberg"})),
    );
    assert_eq!(subject.0, StatusCode::CREATED, "{}", subject.1);
    let id = subject.1["id"].as_str().expect("id").to_string();
    let calls = [
        (Some(Role::Dpo), format!("/api/v1/subjects/{id}"), StatusCode::OK),
        (Some(Role::Dpo), "/api/v1/subjects?name=Achterberg".to_string(), StatusCode::OK),
        (None, "/api/v1/health".to_string(), StatusCode::OK),
        (None, "/api/v1/openapi.json".to_string(), StatusCode::OK),
        (None, format!("/api/v1/subjects/{id}"), StatusCode::UNAUTHORIZED),
        (Some(Role::Auditor), format!("/api/v1/subjects/{id}"), StatusCode::FORBIDDEN),
        (Some(Role::Dpo), "/api/v1/no-such-thing".to_string(), StatusCode::NOT_FOUND),
        (None, "/api/v2/subjects".to_string(), StatusCode::NOT_FOUND),
    ];
    for (role, uri, status) in calls {
        let (s, h, body) = env.raw(role, Method::GET, &uri);
        assert_eq!(s, status, "{uri}: {body}");
        assert_eq!(header(&h, header::CACHE_CONTROL), "no-store", "{uri}");
        assert_eq!(header(&h, header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{uri}");
        assert_eq!(header(&h, header::X_FRAME_OPTIONS), "DENY", "{uri}");
        let csp = header(&h, header::CONTENT_SECURITY_POLICY);
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
    }
}

fn the_api_docs_page_has_a_policy_it_works_under(env: &Env) {
    let (s, h, html) = env.raw(None, Method::GET, "/api/v1/docs/");
    assert_eq!(s, StatusCode::OK);
    assert_eq!(header(&h, header::X_FRAME_OPTIONS), "DENY");
    assert_eq!(header(&h, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    let csp = header(&h, header::CONTENT_SECURITY_POLICY);
    for directive in ["frame-ancestors 'none'", "script-src 'self'", "object-src 'none'", "base-uri 'none'"] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-eval") && !csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    // Every script on the page is a file from this server: none is inline, so the
    // policy's script-src 'self' lets the page work.
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty());
    for s in scripts {
        let tag = s.split('>').next().unwrap_or_default();
        assert!(tag.contains("src=\"./"), "an inline or remote script: <script{tag}>");
        let body = s.split_once('>').map(|(_, b)| b).unwrap_or_default();
        assert!(body.trim_start().starts_with("</script"), "inline code in <script{tag}>");
    }
    // The settings file names no outside validator to fetch a badge from.
    let (s, h, init) = env.raw(None, Method::GET, "/api/v1/docs/swagger-initializer.js");
    assert_eq!(s, StatusCode::OK);
    assert!(header(&h, header::CONTENT_SECURITY_POLICY).contains("frame-ancestors 'none'"));
    assert!(init.contains("/api/v1/openapi.json") && init.contains("\"validatorUrl\": \"none\""), "{init}");
}
