//! The API's answers to what a careless or hostile client sends: every response under
//! `/api/` is marked never to be cached nor sniffed and may not be framed; the Swagger
//! UI page has a content security policy it works under; paging numbers out of range
//! (`offset=9223372036854775808`) and unreadable times (`since=x`) are a 4xx naming the
//! parameter, never a 500 nor an empty list; and `%` or `_` in a location matches only
//! itself. Each scenario runs on SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set, on
//! PostgreSQL. All data is fictional.

use axum::http::{HeaderMap, Method, StatusCode, header};
use serde_json::{Value, json};
use steward_core::Role;

use crate::common::api_env::Env;
use steward_testkit::on_both_backends;

on_both_backends!(
    api_answers_are_never_cached_sniffed_or_framed,
    the_api_docs_page_has_a_policy_it_works_under,
    paging_numbers_out_of_range_are_refused_by_name,
    audit_times_must_be_dates_or_timestamps,
    wildcards_in_a_location_match_only_themselves,
);

fn header(h: &HeaderMap, name: header::HeaderName) -> &str {
    h.get(&name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

fn template(env: &Env) {
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/retention/schedule/template",
        Some(json!({"template": "family-support-charity"})),
    );
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// The error's status and field, from a JSON error body.
fn refusal(env: &Env, uri: &str) -> (StatusCode, String, String) {
    let (s, _, body) = env.call_with_headers(Some(Role::Dpo), Method::GET, uri);
    let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let field = v["error"]["field"].as_str().unwrap_or_default().to_string();
    let message = v["error"]["message"].as_str().unwrap_or_default().to_string();
    (s, field, message)
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
        let (s, h, body) = env.call_with_headers(role, Method::GET, &uri);
        assert_eq!(s, status, "{uri}: {body}");
        assert_eq!(header(&h, header::CACHE_CONTROL), "no-store", "{uri}");
        assert_eq!(header(&h, header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{uri}");
        assert_eq!(header(&h, header::X_FRAME_OPTIONS), "DENY", "{uri}");
        let csp = header(&h, header::CONTENT_SECURITY_POLICY);
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
    }
}

fn the_api_docs_page_has_a_policy_it_works_under(env: &Env) {
    let (s, h, html) = env.call_with_headers(None, Method::GET, "/api/v1/docs/");
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
    let (s, h, init) = env.call_with_headers(None, Method::GET, "/api/v1/docs/swagger-initializer.js");
    assert_eq!(s, StatusCode::OK);
    assert!(header(&h, header::CONTENT_SECURITY_POLICY).contains("frame-ancestors 'none'"));
    assert!(init.contains("/api/v1/openapi.json") && init.contains("\"validatorUrl\": \"none\""), "{init}");
}

fn paging_numbers_out_of_range_are_refused_by_name(env: &Env) {
    template(env);
    let huge = "9223372036854775808";
    for (uri, field) in [
        (format!("/api/v1/records?offset={huge}"), "offset"),
        ("/api/v1/records?offset=1000001".to_string(), "offset"),
        ("/api/v1/records?offset=-1".to_string(), "offset"),
        ("/api/v1/records?offset=ten".to_string(), "offset"),
        ("/api/v1/records?offset=99999999999999999999999".to_string(), "offset"),
        ("/api/v1/records?limit=0".to_string(), "limit"),
        ("/api/v1/records?limit=1001".to_string(), "limit"),
        (format!("/api/v1/records?limit={huge}"), "limit"),
        ("/api/v1/audit?limit=0".to_string(), "limit"),
        ("/api/v1/audit?limit=501".to_string(), "limit"),
        (format!("/api/v1/audit?limit={huge}"), "limit"),
        ("/api/v1/audit?limit=-5".to_string(), "limit"),
        ("/api/v1/audit?before=0".to_string(), "before"),
        (format!("/api/v1/audit?before={huge}"), "before"),
        ("/api/v1/statistics?year=99999".to_string(), "year"),
        ("/api/v1/statistics?year_start=300".to_string(), "year_start"),
        ("/api/v1/statistics?year_start=13".to_string(), "year_start"),
    ] {
        let (s, f, message) = refusal(env, &uri);
        assert!(s == StatusCode::BAD_REQUEST || s == StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {s} {message}");
        assert_eq!(f, field, "{uri}: {message}");
        assert!(!message.contains(huge), "the value is not repeated: {message}");
    }
    // The largest values allowed still answer.
    for uri in ["/api/v1/records?offset=1000000&limit=1000", "/api/v1/audit?limit=500&before=9223372036854775807"] {
        let (s, _, body) = env.call_with_headers(Some(Role::Dpo), Method::GET, uri);
        assert_eq!(s, StatusCode::OK, "{uri}: {body}");
    }
}

fn audit_times_must_be_dates_or_timestamps(env: &Env) {
    for (uri, field) in [
        ("/api/v1/audit?since=x", "since"),
        ("/api/v1/audit?until=yesterday", "until"),
        ("/api/v1/audit?since=2026-02-30", "since"),
        ("/api/v1/audit?since=2026-01-05T25:00:00Z", "since"),
        ("/api/v1/audit?since=2026-01-06&until=2026-01-05", "until"),
    ] {
        let (s, f, message) = refusal(env, uri);
        assert_eq!((s, f.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, field), "{uri}: {message}");
    }
    // A date, a timestamp with an offset and one in UTC all work, and filter.
    let all = |uri: &str| {
        let (s, v) = env.call(Role::Dpo, Method::GET, uri, None);
        assert_eq!(s, StatusCode::OK, "{uri}: {v}");
        v["entries"].as_array().map(Vec::len).unwrap_or_default()
    };
    assert!(all("/api/v1/audit?since=2000-01-01") > 0, "token creations are logged");
    assert!(all("/api/v1/audit?since=2000-01-01T00:00:00%2B01:00&until=2999-01-01T00:00:00Z") > 0);
    assert_eq!(all("/api/v1/audit?since=2999-01-01"), 0);
    assert_eq!(all("/api/v1/audit?until=2000-01-01"), 0);
}

fn wildcards_in_a_location_match_only_themselves(env: &Env) {
    template(env);
    for (reference, location) in [("VOL-1", "Head office, cabinet 1"), ("VOL-2", "Shelf 50% full"), ("VOL-3", "Room_B")]
    {
        let (s, v) = env.call(
            Role::Dpo,
            Method::POST,
            "/api/v1/records",
            Some(json!({"record_type": "volunteer-file", "reference": reference, "location": location,
                "events": {"left": "2022-02-28"}})),
        );
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let references = |location: &str| -> Vec<String> {
        let uri = format!("/api/v1/records?location={location}");
        let (s, v) = env.call(Role::Dpo, Method::GET, &uri, None);
        assert_eq!(s, StatusCode::OK, "{v}");
        v["records"].as_array().expect("records").iter().map(|r| r["reference"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(references("%25"), ["VOL-2"]);
    assert_eq!(references("_"), ["VOL-3"]);
    assert_eq!(references("CABINET"), ["VOL-1"]);
    assert!(references("%25%25").is_empty());
}
