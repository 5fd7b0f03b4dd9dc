//! `docket remote add | ls | rm`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;

use docket_core::{Credentials, RemoteConfig, Secret};
use docket_providers::settings::{self, SettingsProblem};
use docket_store::secrets::{env_var_for, shared_env_var_for};

use crate::cli::{RemoteAddArgs, RemoteCommand};
use crate::context::Context;
use crate::failure::CliError;
use crate::output::print_json;

pub async fn run(context: &Context, command: RemoteCommand) -> Result<(), CliError> {
    match command {
        RemoteCommand::Add(args) => add(context, args).await,
        RemoteCommand::Ls { json } => list(context, json).await,
        RemoteCommand::Rm { name } => remove(context, &name).await,
    }
}

async fn add(context: &Context, args: RemoteAddArgs) -> Result<(), CliError> {
    let kind = args.kind;
    check_url(&args.url)?;
    let mut settings = BTreeMap::new();
    for pair in &args.settings {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("`--set {pair}` needs the form KEY=VALUE")))?;
        if !value.trim().is_empty() {
            settings.insert(key.trim().to_owned(), value.trim().to_owned());
        }
    }
    let secret_keys: BTreeSet<String> = args.secrets.iter().cloned().collect();
    settings::check(kind, &settings, &secret_keys).map_err(|problem| usage(&problem))?;
    let mut credentials = Credentials::new(&args.name);
    for key in &secret_keys {
        credentials.insert(key.clone(), read_secret(&args.name, key)?);
    }
    let remote = RemoteConfig {
        name: args.name.clone(),
        kind,
        url: args.url.trim_end_matches('/').to_owned(),
        settings,
    };
    settings::check_together(&remote, &credentials).map_err(|problem| usage(&problem))?;

    // Secrets go to the keyring first: a keyring failure must not leave a remote that cannot authenticate.
    for key in &secret_keys {
        if let Some(value) = credentials.get(key) {
            context.workspace.secrets.store(&args.name, key, value)?;
        }
    }
    context.workspace.book.add(remote, args.replace).await?;
    println!("added remote `{}` ({kind})", args.name);
    Ok(())
}

/// A settings problem as a usage error, with the flag that fixes it.
fn usage(problem: &SettingsProblem) -> CliError {
    let flag = match problem {
        SettingsProblem::MissingSetting { key, .. } => format!(": add `--set {key}=VALUE`"),
        SettingsProblem::MissingSecret { key, .. } => format!(": add `--secret {key}`"),
        _ => String::new(),
    };
    CliError::Usage(format!("{problem}{flag}"))
}

fn check_url(url: &str) -> Result<(), CliError> {
    let is_http = url.starts_with("http://") || url.starts_with("https://");
    let has_host = url
        .split_once("://")
        .map(|(_, rest)| !rest.trim_start_matches('/').is_empty())
        .unwrap_or(false);
    if is_http && has_host {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "`{url}` is not a server address: give the base URL, e.g. https://docs.example.com"
        )))
    }
}

/// `DOCKET_SECRET_<REMOTE>_<KEY>` when set, else `DOCKET_SECRET_<KEY>` (adding names exactly one remote, so the
/// older form is unambiguous here), else a prompt without echo on a terminal.
fn read_secret(remote: &str, key: &str) -> Result<Secret, CliError> {
    let own = env_var_for(remote, key);
    for var in [own.clone(), shared_env_var_for(key)] {
        if let Ok(value) = std::env::var(&var) {
            if !value.is_empty() {
                return Ok(Secret::new(value));
            }
        }
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Input(format!(
            "no value for secret `{key}`: set {own}, or run this in a terminal to be asked for it"
        )));
    }
    let value = rpassword::prompt_password(format!("{key} for {remote}: "))
        .map_err(|err| CliError::Io(format!("could not read the secret: {err}")))?;
    if value.is_empty() {
        return Err(CliError::Input(format!("secret `{key}` cannot be empty")));
    }
    Ok(Secret::new(value))
}

async fn list(context: &Context, json: bool) -> Result<(), CliError> {
    let remotes = context.workspace.book.list().await?;
    if json {
        print_json(&remotes);
    } else if remotes.is_empty() {
        println!("no remotes yet: add one with `docket remote add`, or try `docket demo`");
    } else {
        let width = remotes.iter().map(|r| r.name.len()).max().unwrap_or(4);
        for remote in &remotes {
            println!(
                "{:<width$}  {:<13}  {}",
                remote.name,
                remote.kind.id(),
                remote.url
            );
        }
    }
    Ok(())
}

async fn remove(context: &Context, name: &str) -> Result<(), CliError> {
    let removed = context.workspace.book.remove(name).await?;
    // A kind no module speaks any more has no secrets Docket knows to delete.
    context.remotes.delete_secrets(name, removed.kind)?;
    println!("removed remote `{name}`");
    Ok(())
}
