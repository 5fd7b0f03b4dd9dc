//! `docket demo`: the built-in demo server in the foreground, with its five remotes registered.

use docket_demo::{DemoConfig, DemoServer};

use crate::cli::DemoArgs;
use crate::context::Context;
use crate::failure::CliError;

/// Fixed by default so the registered demo remotes stay valid from one `docket demo` to the next.
pub const DEFAULT_PORT_BASE: u16 = 47_800;

pub async fn run(context: &Context, args: DemoArgs) -> Result<(), CliError> {
    let mut config = DemoConfig {
        port_base: args.port_base,
        ..DemoConfig::default()
    };
    if let Some(size) = args.large_file_size {
        config.large_file_size = size;
    }
    let server = DemoServer::start(config).await.map_err(|err| {
        CliError::Io(format!(
            "the demo server could not start: {err} (is another `docket demo` running? try --port-base)"
        ))
    })?;

    println!("Docket demo server on 127.0.0.1:");
    for (remote, credentials) in docket_demo::demo_remotes(&server) {
        let name = remote.name.clone();
        context.remotes.store_secrets(&name, &credentials)?;
        println!("  {name:<20} {:<13} {}", remote.kind.id(), remote.url);
        context.workspace.book.add(remote, true).await?;
    }
    println!(
        "\nRegistered in {}. In another terminal try:\n  docket ls demo-inforouter\n  docket ls demo-inforouter /Finance/Reports/2024\n  docket get demo-inforouter /Finance/Reports/2024/Q1-Report.pdf\n\nPress Ctrl-C to stop.",
        context.workspace.data_dir.display()
    );
    tokio::signal::ctrl_c()
        .await
        .map_err(|err| CliError::Io(format!("could not wait for Ctrl-C: {err}")))?;
    println!("stopping the demo server");
    server.shutdown().await;
    Ok(())
}
