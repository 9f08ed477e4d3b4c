//! The record of processing exported for the ICO and imported back through the API: the
//! export as CSV and XLSX imported into a fresh database gives the same register (and
//! back into its own, no change), a dry run writes nothing, JSON carries each linked entry
//! in full, and bad files are named by row and column with nothing written (an unknown
//! basis, a file that is not XLSX, one over 10 MB). On both databases; all data fictional.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use steward_core::Role;
use steward_testkit::{Fixture, on_both_backends};
use tower::ServiceExt;

use crate::common::api_env::Env;

on_both_backends!(
    an_export_imported_into_a_fresh_database_gives_the_same_register,
    bad_files_are_named_and_change_nothing
);

/// A raw call: the status, headers and body bytes.
fn raw(
    env: &Env,
    role: Role,
    method: Method,
    uri: &str,
    body: Vec<u8>,
    media: &str,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {}", env.token(role)))
        .header(header::CONTENT_TYPE, media)
        .body(Body::from(body))
        .expect("request");
    let router = env.router.clone();
    env.rt.block_on(async move {
        let resp = router.oneshot(req).await.expect("router");
        let (status, headers) = (resp.status(), resp.headers().clone());
        let bytes = resp.into_body().collect().await.expect("body").to_bytes().to_vec();
        (status, headers, bytes)
    })
}

fn export(env: &Env, format: &str) -> (HeaderMap, Vec<u8>) {
    let (status, headers, body) =
        raw(env, Role::Staff, Method::GET, &format!("/api/v1/activities/export?format={format}"), vec![], "text/plain");
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    (headers, body)
}

fn import(env: &Env, file: &[u8], query: &str) -> (StatusCode, Value) {
    let (status, _, body) = raw(
        env,
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/activities/import?{query}"),
        file.to_vec(),
        "application/octet-stream",
    );
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn post(env: &Env, path: &str, body: Value) -> Value {
    let (status, v) = env.call(Role::Dpo, Method::POST, path, Some(body));
    assert_eq!(status, StatusCode::CREATED, "{path}: {v}");
    v
}

/// The entries the activities link to, made the same way (same names) in any database.
fn linked(env: &Env) -> (String, String) {
    post(
        env,
        "/api/v1/organisations",
        json!({"name": "Northgate Housing Association", "dpo_name": "Dana Okafor",
        "dpo_contact": "dpo@northgate.example", "address": "1 High Street, Northgate"}),
    );
    let system = post(env, "/api/v1/systems", json!({"name": "Housing system", "kind": "system"}));
    let processor = post(env, "/api/v1/processors", json!({"name": "Payroll bureau"}));
    (system["id"].as_str().unwrap().to_string(), processor["id"].as_str().unwrap().to_string())
}

fn activities(system: &str, processor: &str) -> Vec<Value> {
    vec![
        json!({
            "name": "Tenancy management",
            "business_function": "Housing management",
            "subject_categories": ["Tenants", "Household members"],
            "data_categories": ["Contact details", "Rent account", "Support needs"],
            "recipients": ["Repairs contractors"],
            "purposes": [
                {"purpose": "Managing tenancies", "lawful_basis": "contract"},
                {"purpose": "Recovering rent arrears", "lawful_basis": "legitimate_interests",
                    "legitimate_interest": "Collecting money owed to the association", "lia_link": "LIA-2026-03"},
                {"purpose": "Tenant newsletter", "lawful_basis": "consent", "consent_purpose": "Newsletter"}
            ],
            "special_category": [{"category": "health", "art9_condition": "h", "schedule1_condition": "part1_para2"}],
            "system_ids": [system],
            "processor_ids": [processor],
            "location": "Paper files at the area office",
            "security_measures": "=Role-based access; encrypted laptops",
            "dpia_required": "no",
            "retained_per_policy": true
        }),
        json!({
            "name": "Payroll",
            "business_function": "Human resources",
            "subject_categories": ["Staff"],
            "data_categories": ["Bank details"],
            "purposes": [{"purpose": "Paying staff", "lawful_basis": "contract"},
                {"purpose": "Reporting to HMRC", "lawful_basis": "legal_obligation"}],
            "processor_ids": [processor],
            "notes": "+ reviewed yearly"
        }),
        json!({
            "name": "Safeguarding",
            "business_function": "Housing management",
            "subject_categories": ["Tenants"],
            "data_categories": ["Safeguarding concerns"],
            "purposes": [{"purpose": "Protecting adults at risk", "lawful_basis": "legitimate_interests",
                "legitimate_interest": "Keeping tenants safe"}],
            "special_category": [{"category": "health", "art9_condition": "g", "schedule1_condition": "part2_para18",
                "policy_document": true}],
            "national_data_opt_out": false
        }),
    ]
}

fn register(env: &Env) -> Value {
    let (status, v) = env.call(Role::Dpo, Method::GET, "/api/v1/activities", None);
    assert_eq!(status, StatusCode::OK);
    v
}

fn an_export_imported_into_a_fresh_database_gives_the_same_register(env: &Env) {
    let (system, processor) = linked(env);
    for a in activities(&system, &processor) {
        post(env, "/api/v1/activities", a);
    }
    let (headers, csv) = export(env, "csv");
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"record-of-processing-") && disposition.ends_with(".csv\""));
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(text.contains("Business function,Purpose of processing,"), "the ICO's headings first");
    assert!(text.contains("'=Role-based access"), "a formula is neutralised");
    assert!(text.contains("'+ reviewed yearly"));
    assert_eq!(text.matches("Tenancy management").count(), 3, "one row per purpose");
    let (headers, xlsx) = export(env, "xlsx");
    assert_eq!(headers[header::CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(xlsx.starts_with(b"PK"));

    // Back into its own database: nothing changes.
    let (status, report) = import(env, &csv, "dry_run=false&format=csv");
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!((report["activities_added"].as_u64(), report["activities_changed"].as_u64()), (Some(0), Some(0)));
    assert_eq!(report["unchanged"], 3);
    let (status, report) = import(env, &xlsx, "dry_run=false");
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["unchanged"], 3, "{report}");

    // Into a fresh database with the same linked entries: a dry run writes nothing,
    // then the import gives the same register.
    for file in [&csv, &xlsx] {
        let fresh = Env::open(env.db.fresh());
        linked(&fresh);
        let (status, report) = import(&fresh, file, "dry_run=true");
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["activities_added"], 3, "{report}");
        assert_eq!(report["dry_run"], true);
        assert_eq!(register(&fresh)["activities"].as_array().unwrap().len(), 0, "a dry run writes nothing");
        let (status, report) = import(&fresh, file, "dry_run=false");
        assert_eq!(status, StatusCode::CREATED, "{report}");
        assert_eq!(report["activities_added"], 3);
        assert_eq!(export(&fresh, "csv").1, csv, "the same register, in the same words");
        let (a, b) = (register(env), register(&fresh));
        for (x, y) in a["activities"].as_array().unwrap().iter().zip(b["activities"].as_array().unwrap()) {
            for field in ["name", "purposes", "special_category", "subject_categories", "security_measures", "rights"] {
                assert_eq!(x[field], y[field], "{field}");
            }
        }
    }

    // JSON: each activity with its linked entries in full.
    let (headers, json) = export(env, "json");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let doc: Value = serde_json::from_slice(&json).unwrap();
    let tenancy = doc["activities"].as_array().unwrap().iter().find(|a| a["activity"]["name"] == "Tenancy management");
    let tenancy = tenancy.unwrap();
    assert_eq!(tenancy["processors"][0]["name"], "Payroll bureau");
    assert!(tenancy["processors"][0]["contract"].is_object(), "the processor in full");
    assert_eq!(tenancy["systems"][0]["name"], "Housing system");
    assert_eq!(doc["organisations"][0]["dpo_name"], "Dana Okafor");
}

fn bad_files_are_named_and_change_nothing(env: &Env) {
    let (system, processor) = linked(env);
    post(env, "/api/v1/activities", activities(&system, &processor).remove(0));
    let (_, csv) = export(env, "csv");
    let text = String::from_utf8(csv).unwrap();

    // An unknown basis, an Art 9 letter out of range, free text in a Yes/No column.
    let bad = text
        .replacen("Contract (Art 6(1)(b))", "Because we can", 1)
        .replace("Health: (h) Health or social care", "Health: (k)")
        .replacen(",No,", ",Perhaps,", 1);
    let (status, body) = import(env, bad.as_bytes(), "dry_run=false&format=csv");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let problems = body["report"]["problems"].as_array().unwrap();
    let find = |column: &str| problems.iter().find(|p| p["column"] == column);
    let basis = find("Article 6 lawful basis for processing personal data").expect("the basis named");
    assert_eq!(basis["row"], 8, "{body}");
    assert!(find("Article 9 condition for processing special category data").is_some(), "{body}");
    assert!(find("Data Protection Impact Assessment required?").is_some(), "{body}");
    assert!(!body.to_string().contains("Because we can"), "the cell's value is never repeated");
    let tenancy = &register(env)["activities"][0];
    assert_eq!(tenancy["purposes"][0]["lawful_basis"], "contract", "nothing half-imported");
    assert_eq!(tenancy["version"], 1);

    // Columns in another order, and an unknown column.
    let (status, body) = import(
        env,
        b"Article 6 lawful basis for processing personal data,Processing activity,Purpose of processing,Favourite colour\n\
          contract,Parking permits,Issuing permits,Blue\n",
        "dry_run=true&format=csv",
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["report"]["problems"][0]["column"], "Favourite colour");
    let (status, body) = import(
        env,
        b"Article 6 lawful basis for processing personal data,Processing activity,Purpose of processing\n\
          contract,Parking permits,Issuing permits\n",
        "dry_run=true&format=csv",
    );
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["activities_added"], 1);

    // Not a spreadsheet; too large; not allowed.
    let (status, body) = import(env, b"Processing activity\n", "format=xlsx");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("not an XLSX spreadsheet"), "{body}");
    let (status, body) = import(env, &vec![b'a'; 11 * 1024 * 1024], "format=csv");
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let (status, _, _) = raw(env, Role::Staff, Method::POST, "/api/v1/activities/import", b"x".to_vec(), "text/csv");
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = env.call(Role::Dpo, Method::GET, "/api/v1/activities/export?format=pdf", None);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "format");
    assert_eq!(register(env)["activities"].as_array().unwrap().len(), 1);
}
