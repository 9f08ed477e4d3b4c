//! The OpenAPI document served at `/api/v1/openapi.json`: every area's annotations
//! merged into the document's own description, then completed in one place so that it
//! describes every answer the API really gives: the shared error responses on every
//! operation, and response schemas that accept the fields really returned.

use crate::error::{ErrorBody, ErrorDetail};
use serde_json::{Map, Value, json};
use steward_app::Tombstone;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Bearer-token authentication, which every secured operation names.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document's own description, which every area's is merged into.
#[derive(OpenApi)]
#[openapi(
    info(title = "Steward API", description = "Data protection management: the encrypted subject vault, erasure, audit log and access tokens."),
    components(schemas(ErrorBody, ErrorDetail, Tombstone)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

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

/// The whole document: `areas` (each area's annotations) merged into the document's
/// own description, completed with the shared errors.
pub fn complete(areas: Vec<utoipa::openapi::OpenApi>) -> Value {
    let mut doc = ApiDoc::openapi();
    for area in areas {
        doc.merge(area);
    }
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

/// Add [`SHARED_ERRORS`] to every operation, each as an [`ErrorBody`].
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
/// reference is replaced by a copy of its schema that allows the other part's fields, and
/// such a part written in place (a generic struct's) is opened the same way.
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
                        } else if let Value::Object(inline) = part
                            && inline.get("additionalProperties") == Some(&Value::Bool(false))
                        {
                            // A generic struct's part is written in place, not referenced.
                            inline.remove("additionalProperties");
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
