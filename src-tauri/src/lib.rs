//! The desktop shell: a window, thin commands over the engine, and nothing else. Protocol and transfer logic
//! live in the engine crates under `src-tauri/crates/`.

mod bindings;
mod commands;
mod error;
mod state;

pub use bindings::bindings_builder;
pub use error::{ErrorCode, IpcError};

use tracing_subscriber::EnvFilter;

/// Starts the desktop app and blocks until its last window closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let builder = bindings_builder();
    let result = tauri::Builder::default()
        .manage(state::ShellState::from_environment())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("Docket could not start: {err}");
        std::process::exit(1);
    }
}
