//! The application behind a router, driven in-process with `oneshot` on a runtime of
//! its own: what the web tests send their requests through.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use std::sync::Arc;
use steward_app::App;
use tower::ServiceExt;

/// A router over an application, and a runtime to drive it. Fields drop in order: the
/// router and the application (with the store's connections) first, then the runtime.
pub struct Web {
    /// The router requests go through.
    pub router: axum::Router,
    /// The application behind it.
    pub app: Arc<App>,
    /// The runtime requests run on.
    pub rt: tokio::runtime::Runtime,
}

/// An answer: its status, its headers and its body.
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Web {
    /// The whole router, as the binary serves it, over `app`.
    pub fn new(app: App) -> Self {
        let app = Arc::new(app);
        let router = steward_web::router(app.clone());
        Self::with_router(app, router)
    }

    /// `router` (built over `app`), for tests of part of the routes.
    pub fn with_router(app: Arc<App>, router: axum::Router) -> Self {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        Self { router, app, rt }
    }

    /// Send one request through the router and read the whole answer.
    pub fn send(&self, req: Request<Body>) -> Answer {
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("the router never fails");
            let status = resp.status();
            let headers = resp.headers().clone();
            let body = resp.into_body().collect().await.expect("read body").to_bytes().to_vec();
            Answer { status, headers, body }
        })
    }
}
