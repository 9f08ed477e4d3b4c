//! The JSON API under `/api/v1`: one module per area, each with its routes
//! (`routes()`) and the OpenAPI description of its operations (`Doc`), listed once in
//! the `areas!` list below; [`kit`] holds what every area shares and [`openapi`]
//! completes the document served at `/api/v1/openapi.json`.
//!
//! A new area is a new file with `routes()` and `Doc`, and its name in the list; the
//! versioned registers' areas are declared in [`registers`] and listed after the `;`.

pub mod kit;
pub mod openapi;
pub mod registers;

use crate::state::AppState;
use axum::Json;
use axum::response::IntoResponse;
use serde_json::Value;
use std::sync::OnceLock;
use utoipa::OpenApi;

/// Declares the areas, and from the one list builds [`routes`] and [`docs`].
macro_rules! areas {
    ($($area:ident),* $(,)? ; $($outer:ident :: $inner:ident),* $(,)?) => {
        $(pub mod $area;)*

        /// The routes under `/api/v1`: every area's, the OpenAPI document, and
        /// [`kit::not_found`] for the rest.
        pub fn routes() -> axum::Router<AppState> {
            axum::Router::new()
                .route("/openapi.json", axum::routing::get(openapi_json))
                $(.merge($area::routes()))*
                $(.merge($outer::$inner::routes()))*
                .fallback(kit::not_found)
        }

        /// Every area's OpenAPI description, in the order of the list.
        pub fn docs() -> Vec<utoipa::openapi::OpenApi> {
            vec![$(<$area::Doc as OpenApi>::openapi(),)* $(<$outer::$inner::Doc as OpenApi>::openapi(),)*]
        }
    };
}

areas!(
    subjects,
    audit,
    tokens,
    health,
    requests,
    suppression,
    letters,
    statistics,
    work,
    systems,
    records,
    disposals,
    import,
    scans,
    packs,
    consents,
    ropa,
    compliance,
    incidents;
    registers::activities,
    registers::organisations,
    registers::processors,
    registers::sharing_agreements,
    registers::transfers,
    registers::notices,
    registers::policies,
    registers::training,
    registers::breaches,
    registers::disclosures,
    registers::dpias,
);

/// The OpenAPI 3.1 document: every area's description, completed ([`openapi::complete`]),
/// built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| openapi::complete(docs()))
}

/// `GET /api/v1/openapi.json`: the [`document`].
async fn openapi_json() -> impl IntoResponse {
    Json(document())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

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
    fn each_register_answers_with_its_own_schemas() {
        let doc = document();
        let text = doc.to_string();
        for (path, key) in [("/api/v1/policies", "policies"), ("/api/v1/activities", "activities")] {
            let r = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string();
            assert!(doc["components"]["schemas"][&r]["properties"][key].is_object(), "{path}: {r}");
        }
        // An entry flattened beside its id and version is not closed to them.
        let stored = doc["components"]["schemas"]["Stored_Policy_PolicyDerived"].to_string();
        assert!(!stored.contains("\"additionalProperties\":false"), "{stored}");
        assert!(text.contains("Stored_Policy_PolicyDerived"));
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
