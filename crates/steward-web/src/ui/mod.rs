//! The server-rendered web UI: one module (or folder) per page or group of pages, each
//! with its routes (`routes()`), listed once in the `pages!` list below. What every
//! page shares is in [`kit`] (layout, menu, rendering, error pages, words) and [`form`]
//! (the form kit); neither imports a page. Templates are in
//! `crates/steward-web/templates` (askama, compiled into the binary, HTML-escaped by
//! default).
//!
//! A new page is a new module with `routes()`, its name in the list, and its link in
//! [`kit::menu::MENU`].

pub mod form;
pub mod kit;

use crate::state::AppState;

/// Declares the page modules, and from the one list builds [`routes`].
macro_rules! pages {
    ($($page:ident),* $(,)?) => {
        $(pub mod $page;)*

        /// Every page's routes.
        pub fn routes() -> axum::Router<AppState> {
            axum::Router::new()$(.merge($page::routes()))*
        }
    };
}

pages!(
    auth, admin, public, dashboard, subjects, requests, inbox, holds, retention, disposals, systems, registers, audit,
    statistics, letters, packs, scans, settings, checklists, notify, ropa, compliance,
);
