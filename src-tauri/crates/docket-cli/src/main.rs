//! `docket`: browse and download from document servers without the window, on the same engine as the app.

mod cli;
mod commands;
mod context;
mod failure;
mod output;
mod patience;
mod rate;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use cli::{Cli, Command};
use context::Context;
use failure::CliError;

fn main() -> ExitCode {
    docket_transfer::allocator::limit_malloc_arenas();
    // Usage errors exit with 2 through clap; everything else that fails exits with 1 and one line on stderr.
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal: a pipe or a log file gets plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_env("DOCKET_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("docket: could not start: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Server messages end up in errors: shown, never obeyed by the terminal.
            output::stderr_line(&format!("docket: {err}"));
            ExitCode::from(err.exit_code())
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let context = Context::new(cli.data_dir).await?;
    match cli.command {
        Command::Remote(command) => commands::remote::run(&context, command).await,
        Command::Ls(args) => commands::ls::run(&context, args).await,
        Command::Search(args) => commands::search::run(&context, args).await,
        Command::Get(args) if args.recursive => commands::sync::get_recursive(&context, args).await,
        Command::Get(args) => commands::get::run(&context, args).await,
        Command::Sync(args) => commands::sync::run(&context, args).await,
        Command::Queue(args) => commands::queue::run(&context, args).await,
        Command::Demo(args) => commands::demo::run(&context, args).await,
    }
}
