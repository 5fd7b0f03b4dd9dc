//! `docket remote add | ls | rm`.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use docket_core::{Kind, RemoteConfig, Secret};
use docket_store::secrets::env_var_for;

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
    let kind: Kind = args
        .kind
        .parse()
        .map_err(|err: docket_core::UnknownKind| CliError::Input(err.to_string()))?;
    check_url(&args.url)?;
    let specs: Vec<_> = docket_providers::entry(kind).all_settings().collect();
    let known = |key: &str, secret: bool| specs.iter().any(|s| s.key == key && s.secret == secret);
    let list_of = |secret: bool| {
        specs
            .iter()
            .filter(|s| s.secret == secret)
            .map(|s| s.key)
            .collect::<Vec<_>>()
            .join(", ")
    };

    let mut settings = BTreeMap::new();
    for pair in &args.settings {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| CliError::Input(format!("`--set {pair}` needs the form KEY=VALUE")))?;
        if !known(key, false) {
            return Err(CliError::Input(format!(
                "{kind} remotes have no setting `{key}`; their settings are: {}",
                list_of(false)
            )));
        }
        settings.insert(key.to_owned(), value.to_owned());
    }
    for spec in specs.iter().filter(|s| s.required && !s.secret) {
        if !settings.contains_key(spec.key) {
            return Err(CliError::Input(format!(
                "{kind} remotes need `--set {}=VALUE` ({})",
                spec.key, spec.help
            )));
        }
    }
    for key in &args.secrets {
        if !known(key, true) {
            return Err(CliError::Input(format!(
                "{kind} remotes have no secret `{key}`; their secrets are: {}",
                list_of(true)
            )));
        }
    }
    for spec in specs.iter().filter(|s| s.required && s.secret) {
        if !args.secrets.iter().any(|k| k == spec.key) {
            return Err(CliError::Input(format!(
                "{kind} remotes need `--secret {}` ({})",
                spec.key, spec.help
            )));
        }
    }

    // Secrets go to the keyring first: a keyring failure must not leave a remote that cannot authenticate.
    for key in &args.secrets {
        let value = read_secret(&args.name, key)?;
        context.secrets.store(&args.name, key, &value)?;
    }
    let remote = RemoteConfig {
        name: args.name.clone(),
        kind,
        url: args.url.trim_end_matches('/').to_owned(),
        settings,
    };
    context.book.add(remote, args.replace).await?;
    println!("added remote `{}` ({kind})", args.name);
    Ok(())
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
        Err(CliError::Input(format!(
            "`{url}` is not a server address: give the base URL, e.g. https://docs.example.com"
        )))
    }
}

/// `DOCKET_SECRET_<KEY>` when set, else a prompt without echo on a terminal.
fn read_secret(remote: &str, key: &str) -> Result<Secret, CliError> {
    let var = env_var_for(key);
    if let Ok(value) = std::env::var(&var) {
        if !value.is_empty() {
            return Ok(Secret::new(value));
        }
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Input(format!(
            "no value for secret `{key}`: set {var}, or run this in a terminal to be asked for it"
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
    let remotes = context.book.list().await?;
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
    let removed = context.book.remove(name).await?;
    for spec in docket_providers::entry(removed.kind)
        .settings
        .iter()
        .filter(|s| s.secret)
    {
        context.secrets.delete(name, spec.key)?;
    }
    println!("removed remote `{name}`");
    Ok(())
}
