//! `docket ls NAME [LOCATION]`.

use docket_core::Location;

use crate::cli::LsArgs;
use crate::context::Context;
use crate::failure::CliError;
use crate::output::{entries_table, print_json, ListedEntry};

pub async fn run(context: &Context, args: LsArgs) -> Result<(), CliError> {
    let (_, provider) = context.provider(&args.remote)?;
    let location = Location::at(args.location.clone().unwrap_or_default());
    let entries = provider
        .list_all(&location)
        .await
        .map_err(|err| CliError::provider(&args.remote, None, err))?;
    if args.json {
        let listed: Vec<ListedEntry> = entries.iter().map(ListedEntry::from).collect();
        print_json(&listed);
    } else if entries.is_empty() {
        println!("(empty)");
    } else {
        print!("{}", entries_table(&entries));
    }
    Ok(())
}
