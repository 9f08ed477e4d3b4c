//! The OpenAPI document served at `/api/v1/openapi.json`: the handlers' annotations,
//! merged, then completed in one place so that it describes every answer the API
//! really gives: the shared error responses on every operation, and response schemas
//! that accept the fields really returned.

use serde_json::{Map, Value, json};
use std::sync::OnceLock;
use utoipa::OpenApi;

/// The error responses every operation may give, with why; added to each operation
/// that does not already describe them. `401` and `403` only where a token is needed,
/// `410` only where the path names something, `413` and `415` only with a body.
const SHARED_ERRORS: &[(&str, &str)] = &[
    ("400", "A query or path parameter, or the body, cannot be read; `field` names the parameter"),
    ("401", "No valid API token: send `Authorization: Bearer <token>`"),
    ("403", "The token's role does not allow this"),
    ("404", "Nothing with that id, or no such endpoint"),
    ("409", "The change conflicts with the current state (a concurrent change, a schedule not yet in force…)"),
    ("410", "The subject was erased; the body carries the tombstone"),
    ("413", "The body is larger than the limit"),
    ("415", "The body is not of the media type this operation reads"),
    ("422", "Invalid input; `field` names the field or parameter at fault"),
    ("503", "The database is busy or unreachable; try again shortly"),
];

/// The document, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(build)
}

fn build() -> Value {
    let mut doc = crate::api::ApiDoc::openapi();
    doc.merge(crate::api_work::WorkDoc::openapi());
    doc.merge(crate::api_records::RecordsDoc::openapi());
    doc.merge(crate::api_disposals::DisposalsDoc::openapi());
    doc.merge(crate::api_import::ImportDoc::openapi());
    doc.merge(crate::api_scans::ScansDoc::openapi());
    let mut v = match serde_json::to_value(&doc) {
        Ok(v) => v,
        Err(e) => {
            // Cannot happen with utoipa's own types; answer an empty document rather than none.
            tracing::error!(error = %e, "the OpenAPI document could not be serialised");
            return json!({"openapi": "3.1.0", "info": {"title": "Steward API", "version": env!("CARGO_PKG_VERSION")}, "paths": {}});
        }
    };
    open_closed_refs_in_all_of(&mut v);
    add_shared_errors(&mut v);
    v
}

/// Add [`SHARED_ERRORS`] to every operation, each as an [`crate::error::ErrorBody`].
fn add_shared_errors(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let names_something = path.contains('{');
        for (method, op) in item.iter_mut() {
            if !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch" | "head" | "options") {
                continue;
            }
            let Some(op) = op.as_object_mut() else { continue };
            let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
            let has_body = op.contains_key("requestBody");
            let responses = op.entry("responses").or_insert_with(|| Value::Object(Map::new()));
            let Some(responses) = responses.as_object_mut() else { continue };
            // Answers documented without words get the status's own name ("OK", "Created").
            for (status, r) in responses.iter_mut() {
                let Some(r) = r.as_object_mut() else { continue };
                if r.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
                    let reason = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|c| axum::http::StatusCode::from_u16(c).ok())
                        .and_then(|c| c.canonical_reason())
                        .unwrap_or("Answer");
                    let why = SHARED_ERRORS.iter().find(|(s, _)| s == status).map_or(reason, |(_, w)| w);
                    r.insert("description".into(), Value::String(why.into()));
                }
            }
            for (status, why) in SHARED_ERRORS {
                let applies = match *status {
                    "401" | "403" => secured,
                    "410" => names_something,
                    "413" | "415" => has_body,
                    _ => true,
                };
                if !applies {
                    continue;
                }
                // Keep what the handler documents.
                if !responses.contains_key(*status) {
                    responses.insert(
                        (*status).into(),
                        json!({
                            "description": why,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
                        }),
                    );
                }
            }
        }
    }
}

/// A struct flattened into another (`#[serde(flatten)]`) is documented as `allOf` of the
/// two; when the flattened one refuses unknown fields (`additionalProperties: false`,
/// from `deny_unknown_fields`) no value can satisfy both. Inside every `allOf`, such a
/// reference is replaced by a copy of its schema that allows the other part's fields.
fn open_closed_refs_in_all_of(doc: &mut Value) {
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    fn walk(v: &mut Value, schemas: &Map<String, Value>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Array(parts)) = map.get_mut("allOf") {
                    for part in parts.iter_mut() {
                        let target = part
                            .get("$ref")
                            .and_then(Value::as_str)
                            .and_then(|r| r.strip_prefix("#/components/schemas/"))
                            .and_then(|name| schemas.get(name));
                        if let Some(Value::Object(schema)) = target
                            && schema.get("additionalProperties") == Some(&Value::Bool(false))
                        {
                            let mut open = schema.clone();
                            open.remove("additionalProperties");
                            *part = Value::Object(open);
                        }
                    }
                }
                for child in map.values_mut() {
                    walk(child, schemas);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, schemas)),
            _ => {}
        }
    }
    walk(doc, &schemas);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_documents_the_shared_errors() {
        let doc = document();
        let paths = doc["paths"].as_object().expect("paths");
        assert!(paths.len() > 40);
        for (path, item) in paths {
            for (method, op) in item.as_object().expect("path item") {
                let responses = op["responses"].as_object().expect("responses");
                for status in ["400", "404", "422", "503"] {
                    assert!(responses.contains_key(status), "{method} {path} lacks {status}");
                }
                if op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty()) {
                    assert!(responses.contains_key("401") && responses.contains_key("403"), "{method} {path}");
                }
                if op.get("requestBody").is_some() {
                    assert!(responses.contains_key("415"), "{method} {path}");
                }
                for (status, r) in responses {
                    assert!(!r["description"].as_str().unwrap_or_default().is_empty(), "{method} {path} {status}");
                }
            }
        }
    }

    #[test]
    fn parameters_are_where_the_handlers_read_them() {
        let doc = document();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                    let (name, place) = (p["name"].as_str().unwrap_or_default(), p["in"].as_str().unwrap_or_default());
                    let in_template = path.contains(&format!("{{{name}}}"));
                    assert_eq!(place == "path", in_template, "{method} {path}: {name} is documented in {place}");
                }
            }
        }
    }

    #[test]
    fn a_flattened_closed_struct_accepts_the_fields_beside_it() {
        let doc = document();
        let event_view = &doc["components"]["schemas"]["EventView"];
        let text = event_view.to_string();
        assert!(!text.contains("\"additionalProperties\":false"), "{text}");
        // The request body itself still refuses unknown fields.
        assert_eq!(doc["components"]["schemas"]["RequestEvent"]["additionalProperties"], Value::Bool(false));
    }
}
