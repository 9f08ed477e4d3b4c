//! `steward serve`: the web UI, the JSON API and the scheduled jobs, until Ctrl-C or
//! SIGTERM.

use super::Failure;
use crate::config::Config;
use std::sync::Arc;
use steward_app::App;

/// Serve `app` on `listen` with its scheduler, printing where (and `banner`), until a
/// shutdown signal.
pub(crate) fn serve(app: App, config: &Config, listen: &str, banner: Option<String>) -> Result<(), Failure> {
    let setup = app.setup_code()?;
    let cookie_secure = config.cookie_secure;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the server runtime: {e}"), 1))?;
    let where_ = app.store().describe();
    // The last reference to the app is dropped here, outside the runtime: PostgreSQL's
    // blocking client cannot be dropped inside it (it panics, aborting the process).
    let app = Arc::new(app);
    let server_app = app.clone();
    let scheduler = steward_app::jobs::Scheduler::start(app.clone());
    let result = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| Failure(format!("cannot listen on {listen}: {e}"), 1))?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, database = %where_, "Steward is serving");
        println!("Steward is running at http://{addr}/");
        println!("API documentation: http://{addr}/api/v1/docs/");
        if let Some(code) = setup {
            println!("Nobody can sign in yet. Create the first account at http://{addr}/setup?code={code}");
        }
        if let Some(b) = banner {
            println!("{b}");
        }
        steward_web::serve_with(listener, server_app, cookie_secure, shutdown_signal()).await?;
        Ok(())
    });
    drop(rt);
    scheduler.stop();
    drop(app);
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
