//! The versioned registers through the API, one area each from one declaration: the
//! record of processing (`/activities`), organisations, processors, data sharing
//! agreements, international transfers, privacy notices, policies, training, breaches,
//! disclosures to third parties and DPIAs. Each
//! lists its entries (now, or `as_of` a past date), reads, adds, replaces and retires
//! one, shows an entry's history and the differences between two dates. Who may read and
//! change each is decided by the use cases (`steward_app::registers`).

use crate::error::ApiError;
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters of a register's list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Show the register as it stood at the end of this day (UK time), `YYYY-MM-DD`.
    pub as_of: Option<String>,
    /// Include retired entries (`true`).
    pub include_retired: Option<bool>,
    /// Only entries whose name contains this (ignoring case).
    pub q: Option<String>,
}

/// The two dates of a comparison.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The earlier date, `YYYY-MM-DD` (end of that day, UK time).
    pub from: String,
    /// The later date, `YYYY-MM-DD`; today when left out.
    pub to: Option<String>,
}

/// Which version a change is made to.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    /// The version the change was made from: if the entry has changed since, the change
    /// is refused (409) instead of overwriting someone else's.
    pub expected_version: Option<i64>,
}

/// A date from a query parameter, or a 422 naming the parameter.
pub fn query_date(name: &str, value: &str) -> Result<Date, ApiError> {
    value.trim().parse::<Date>().map_err(|_| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "must be a date written YYYY-MM-DD").field(name)
    })
}

/// Whether an entry's title matches a list's `q` filter.
pub fn matches(title: &str, q: Option<&str>) -> bool {
    q.map(str::trim).filter(|q| !q.is_empty()).is_none_or(|q| title.to_lowercase().contains(&q.to_lowercase()))
}

/// Declares one register's API area: a module with `routes()` and `Doc`.
macro_rules! register_api {
    (
        $module:ident, $entry:ty, $derived:ty, list_key: $key:ident, tag: $tag:tt, about: $about:tt,
        paths: ($list:tt, $item:tt, $history:tt, $diff:tt), routes: ($rlist:tt, $ritem:tt, $rhistory:tt, $rdiff:tt)
    ) => {
        #[doc = concat!("The ", $about, " through the API.")]
        pub mod $module {
            use super::*;
            use crate::api::kit::Authed;
            use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
            use crate::state::AppState;
            use axum::Json;
            use axum::extract::rejection::QueryRejection;
            use axum::extract::{Path, Query, State};
            use axum::http::StatusCode;
            use axum::routing::get;
            use serde::Serialize;
            use steward_app::registers::{RegisterDiff, Stored, VersionOf};
            use steward_core::register::entry::Entry as _;
            use utoipa::{OpenApi, ToSchema};

            /// The routes, relative to `/api/v1`.
            pub fn routes() -> axum::Router<AppState> {
                axum::Router::new()
                    .route($rlist, get(list).post(create))
                    .route($rdiff, get(diff))
                    .route($ritem, get(one).put(replace).delete(retire))
                    .route($rhistory, get(history))
            }

            /// The register (or as it stood on a date).
            #[derive(Serialize, ToSchema)]
            #[schema(as = $module::List)]
            pub struct List {
                /// The date the register is shown as of, when one was asked for.
                #[schema(value_type = Option<String>, format = Date)]
                pub as_of: Option<jiff::civil::Date>,
                /// The entries, by name.
                pub $key: Vec<Stored<$entry, $derived>>,
            }

            /// An entry's versions.
            #[derive(Serialize, ToSchema)]
            #[schema(as = $module::History)]
            pub struct History {
                /// Oldest first.
                pub versions: Vec<VersionOf<$entry>>,
            }

            #[doc = concat!("The ", $about, ": entries in use, or as the register stood at the end of `as_of`.")]
            #[utoipa::path(get, path = $list, tag = $tag, params(ListQuery), security(("bearer" = [])),
                responses((status = 200, body = List), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
            pub async fn list(
                State(s): State<AppState>,
                Authed(ctx): Authed,
                q: Result<Query<ListQuery>, QueryRejection>,
            ) -> Result<Json<List>, ApiError> {
                let Query(q) = q?;
                let as_of = q.as_of.as_deref().map(|d| query_date("as_of", d)).transpose()?;
                let retired = q.include_retired.unwrap_or(false);
                let app = s.app.clone();
                let all = blocking(move || app.register_entries::<$entry>(&ctx, as_of, retired)).await?;
                let $key = all.into_iter().filter(|e| matches(e.entry.title(), q.q.as_deref())).collect();
                Ok(Json(List { as_of, $key }))
            }

            #[doc = concat!("Add an entry to the ", $about, ".")]
            #[utoipa::path(post, path = $list, tag = $tag, request_body = $entry, security(("bearer" = [])),
                responses((status = 201, body = Stored<$entry, $derived>), (status = 403, body = ErrorBody),
                    (status = 422, body = ErrorBody)))]
            pub async fn create(
                State(s): State<AppState>,
                Authed(ctx): Authed,
                body: JsonObject<$entry>,
            ) -> Result<(StatusCode, Json<Stored<$entry, $derived>>), ApiError> {
                let JsonObject(e) = body;
                let app = s.app.clone();
                Ok((StatusCode::CREATED, Json(blocking(move || app.register_create(&ctx, e)).await?)))
            }

            /// One entry, as it stands.
            #[utoipa::path(get, path = $item, tag = $tag, security(("bearer" = [])),
                params(("id" = String, Path, description = "Entry id")),
                responses((status = 200, body = Stored<$entry, $derived>), (status = 403, body = ErrorBody),
                    (status = 404, body = ErrorBody)))]
            pub async fn one(
                State(s): State<AppState>,
                Authed(ctx): Authed,
                Path(id): Path<String>,
            ) -> Result<Json<Stored<$entry, $derived>>, ApiError> {
                let app = s.app.clone();
                Ok(Json(blocking(move || app.register_entry::<$entry>(&ctx, &id)).await?))
            }

            /// Replace an entry's fields (a new version; the old one is kept).
            #[utoipa::path(put, path = $item, tag = $tag, request_body = $entry, security(("bearer" = [])),
                params(("id" = String, Path, description = "Entry id"), VersionQuery),
                responses((status = 200, body = Stored<$entry, $derived>), (status = 403, body = ErrorBody),
                    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
            pub async fn replace(
                State(s): State<AppState>,
                Authed(ctx): Authed,
                Path(id): Path<String>,
                q: Result<Query<VersionQuery>, QueryRejection>,
                body: JsonObject<$entry>,
            ) -> Result<Json<Stored<$entry, $derived>>, ApiError> {
                let Query(q) = q?;
                let JsonObject(e) = body;
                let app = s.app.clone();
                Ok(Json(blocking(move || app.register_update(&ctx, &id, e, q.expected_version)).await?))
            }

            /// Retire an entry: kept with its history, no longer in use.
            #[utoipa::path(delete, path = $item, tag = $tag, security(("bearer" = [])),
                params(("id" = String, Path, description = "Entry id")),
                responses((status = 200, body = Stored<$entry, $derived>), (status = 403, body = ErrorBody),
                    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
            pub async fn retire(
                State(s): State<AppState>,
                Authed(ctx): Authed,
                Path(id): Path<String>,
            ) -> Result<Json<Stored<$entry, $derived>>, ApiError> {
                let app = s.app.clone();
                Ok(Json(blocking(move || app.register_retire::<$entry>(&ctx, &id)).await?))
            }

            /// Every version of an entry, with who saved it, when, and what changed.
            #[utoipa::path(get, path = $history, tag = $tag, security(("bearer" = [])),
                params(("id" = String, Path, description = "Entry id")),
                responses((status = 200, body = History), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
            pub async fn history(
                State(s): State<AppState>,
                Authed(ctx): Authed,
                Path(id): Path<String>,
            ) -> Result<Json<History>, ApiError> {
                let app = s.app.clone();
                Ok(Json(History { versions: blocking(move || app.register_history::<$entry>(&ctx, &id)).await? }))
            }

            /// What was added, removed and changed between the ends of two days.
            #[utoipa::path(get, path = $diff, tag = $tag, params(DiffQuery), security(("bearer" = [])),
                responses((status = 200, body = RegisterDiff), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
            pub async fn diff(
                State(s): State<AppState>,
                Authed(ctx): Authed,
                q: Result<Query<DiffQuery>, QueryRejection>,
            ) -> Result<Json<RegisterDiff>, ApiError> {
                let Query(q) = q?;
                let from = query_date("from", &q.from)?;
                let to = q.to.as_deref().map(|d| query_date("to", d)).transpose()?;
                let app = s.app.clone();
                Ok(Json(
                    blocking(move || {
                        let to = to.unwrap_or_else(|| app.today());
                        app.register_diff::<$entry>(&ctx, from, to)
                    })
                    .await?,
                ))
            }

            /// The OpenAPI description of this area.
            #[derive(OpenApi)]
            #[openapi(paths(list, create, one, replace, retire, history, diff),
                tags((name = $tag, description = $about)))]
            pub struct Doc;
        }
    };
}

use steward_core::register::activity::{Activity, ActivityDerived};
use steward_core::register::breach::{Breach, BreachDerived};
use steward_core::register::disclosure::{Disclosure, DisclosureDerived};
use steward_core::register::dpia::{Dpia, DpiaDerived};
use steward_core::register::notice::{Notice, NoticeDerived};
use steward_core::register::organisation::{Organisation, OrganisationDerived};
use steward_core::register::policy::{Policy, PolicyDerived};
use steward_core::register::processor::{Processor, ProcessorDerived};
use steward_core::register::sharing::{SharingAgreement, SharingAgreementDerived};
use steward_core::register::training::{Training, TrainingDerived};
use steward_core::register::transfer::{Transfer, TransferDerived};

register_api!(activities, Activity, ActivityDerived, list_key: activities, tag: "record of processing",
    about: "record of processing activities (UK GDPR Art 30)",
    paths: ("/api/v1/activities", "/api/v1/activities/{id}", "/api/v1/activities/{id}/history", "/api/v1/activities/diff"),
    routes: ("/activities", "/activities/{id}", "/activities/{id}/history", "/activities/diff"));
register_api!(organisations, Organisation, OrganisationDerived, list_key: organisations, tag: "organisations",
    about: "organisations of this installation, each a controller",
    paths: ("/api/v1/organisations", "/api/v1/organisations/{id}", "/api/v1/organisations/{id}/history", "/api/v1/organisations/diff"),
    routes: ("/organisations", "/organisations/{id}", "/organisations/{id}/history", "/organisations/diff"));
register_api!(processors, Processor, ProcessorDerived, list_key: processors, tag: "processors",
    about: "processors and their sub-processors (UK GDPR Art 28)",
    paths: ("/api/v1/processors", "/api/v1/processors/{id}", "/api/v1/processors/{id}/history", "/api/v1/processors/diff"),
    routes: ("/processors", "/processors/{id}", "/processors/{id}/history", "/processors/diff"));
register_api!(sharing_agreements, SharingAgreement, SharingAgreementDerived, list_key: sharing_agreements,
    tag: "sharing agreements", about: "data sharing agreements with other controllers",
    paths: ("/api/v1/sharing-agreements", "/api/v1/sharing-agreements/{id}", "/api/v1/sharing-agreements/{id}/history",
        "/api/v1/sharing-agreements/diff"),
    routes: ("/sharing-agreements", "/sharing-agreements/{id}", "/sharing-agreements/{id}/history", "/sharing-agreements/diff"));
register_api!(transfers, Transfer, TransferDerived, list_key: transfers, tag: "transfers",
    about: "international transfers and their safeguards (UK GDPR Chapter V)",
    paths: ("/api/v1/transfers", "/api/v1/transfers/{id}", "/api/v1/transfers/{id}/history", "/api/v1/transfers/diff"),
    routes: ("/transfers", "/transfers/{id}", "/transfers/{id}/history", "/transfers/diff"));
register_api!(notices, Notice, NoticeDerived, list_key: notices, tag: "privacy notices",
    about: "privacy notice versions (UK GDPR Art 13, 14)",
    paths: ("/api/v1/notices", "/api/v1/notices/{id}", "/api/v1/notices/{id}/history", "/api/v1/notices/diff"),
    routes: ("/notices", "/notices/{id}", "/notices/{id}/history", "/notices/diff"));
register_api!(policies, Policy, PolicyDerived, list_key: policies, tag: "policies",
    about: "policies and their review dates (UK GDPR Art 24(2))",
    paths: ("/api/v1/policies", "/api/v1/policies/{id}", "/api/v1/policies/{id}/history", "/api/v1/policies/diff"),
    routes: ("/policies", "/policies/{id}", "/policies/{id}/history", "/policies/diff"));
register_api!(training, Training, TrainingDerived, list_key: training, tag: "training",
    about: "staff data-protection training records (UK GDPR Art 39(1)(b))",
    paths: ("/api/v1/training", "/api/v1/training/{id}", "/api/v1/training/{id}/history", "/api/v1/training/diff"),
    routes: ("/training", "/training/{id}", "/training/{id}/history", "/training/diff"));
register_api!(breaches, Breach, BreachDerived, list_key: breaches, tag: "breaches",
    about: "breach register with its clocks (UK GDPR Art 33, 34)",
    paths: ("/api/v1/breaches", "/api/v1/breaches/{id}", "/api/v1/breaches/{id}/history", "/api/v1/breaches/diff"),
    routes: ("/breaches", "/breaches/{id}", "/breaches/{id}/history", "/breaches/diff"));
register_api!(disclosures, Disclosure, DisclosureDerived, list_key: disclosures, tag: "disclosures",
    about: "log of requests from third parties to disclose someone's data (DPA 2018 Sch 2)",
    paths: ("/api/v1/disclosures", "/api/v1/disclosures/{id}", "/api/v1/disclosures/{id}/history", "/api/v1/disclosures/diff"),
    routes: ("/disclosures", "/disclosures/{id}", "/disclosures/{id}/history", "/disclosures/diff"));
register_api!(dpias, Dpia, DpiaDerived, list_key: dpias, tag: "DPIAs",
    about: "data protection impact assessments (UK GDPR Art 35, 36)",
    paths: ("/api/v1/dpias", "/api/v1/dpias/{id}", "/api/v1/dpias/{id}/history", "/api/v1/dpias/diff"),
    routes: ("/dpias", "/dpias/{id}", "/dpias/{id}/history", "/dpias/diff"));
