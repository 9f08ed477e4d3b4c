//! The server's shared state, handed to every handler, and the body limit every
//! handler's extractors start from.

use std::sync::Arc;
use steward_app::App;

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    /// The application.
    pub app: Arc<App>,
    /// Whether the session cookie is marked `Secure` (sent over HTTPS only; browsers
    /// also treat `http://localhost` and `127.0.0.1` as secure).
    pub cookie_secure: bool,
}
