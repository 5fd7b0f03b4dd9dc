//! `docket search TEXT`: names across every remote, from the local catalog (works offline).

use docket_core::EntryKind;
use docket_store::{LocalState, SearchHit, SearchQuery};
use serde::Serialize;

use crate::cli::SearchArgs;
use crate::context::Context;
use crate::failure::CliError;
use crate::output::{human_size, print_json, terminal_safe};

/// One result of `docket search --json`.
#[derive(Serialize)]
struct FoundEntry<'a> {
    remote: &'a str,
    id: &'a str,
    name: &'a str,
    kind: EntryKind,
    size: Option<u64>,
    mime: Option<&'a str>,
    modified: Option<&'a str>,
    version: Option<&'a str>,
    /// What `docket ls REMOTE LOCATION` takes to show the entry among its neighbours ("" is the root).
    location: &'a str,
    local_path: Option<String>,
    local_state: Option<LocalState>,
}

pub async fn run(context: &Context, args: SearchArgs) -> Result<(), CliError> {
    if let Some(remote) = &args.remote {
        context.workspace.book.get(remote).await?;
    }
    let query = SearchQuery {
        text: args.text.clone(),
        remote: args.remote.clone(),
        kind: args.kind.as_deref().map(|k| match k {
            "folder" => EntryKind::Folder,
            _ => EntryKind::Document,
        }),
        file_type: args.file_type.clone(),
        min_size: args.min_size,
        max_size: args.max_size,
        modified_from: args.since.clone(),
        modified_before: args.before.clone(),
        limit: args.limit,
    };
    let hits = context.workspace.catalog.search(&query).await?;
    if args.json {
        let found: Vec<FoundEntry> = hits.iter().map(found).collect();
        print_json(&found);
    } else if hits.is_empty() {
        println!(
            "nothing found in the local catalog: `docket ls` the folders you want searchable while online"
        );
    } else {
        print!("{}", table(&hits));
    }
    Ok(())
}

fn found(hit: &SearchHit) -> FoundEntry<'_> {
    FoundEntry {
        remote: &hit.remote,
        id: &hit.entry.id,
        name: &hit.entry.name,
        kind: hit.entry.kind,
        size: hit.entry.size,
        mime: hit.entry.mime.as_deref(),
        modified: hit.entry.modified.as_deref(),
        version: hit.entry.version.as_deref(),
        location: hit.location.as_deref().unwrap_or(""),
        local_path: hit.local.as_ref().map(|c| c.path.display().to_string()),
        local_state: hit.local.as_ref().map(|c| c.state),
    }
}

fn table(hits: &[SearchHit]) -> String {
    let header = ["REMOTE", "NAME", "SIZE", "IN", "ID"].map(str::to_owned);
    let rows: Vec<[String; 5]> = hits
        .iter()
        .map(|hit| {
            let mut name = terminal_safe(&hit.entry.name).into_owned();
            if hit.entry.kind == EntryKind::Folder {
                name.push('/');
            }
            if let Some(local) = &hit.local {
                name.push_str(match local.state {
                    LocalState::Present => "  (downloaded)",
                    LocalState::Missing => "  (downloaded, now missing)",
                    LocalState::Changed => "  (downloaded, changed on disk)",
                });
            }
            [
                terminal_safe(&hit.remote).into_owned(),
                name,
                hit.entry.size.map(human_size).unwrap_or_default(),
                terminal_safe(hit.location.as_deref().unwrap_or("/")).into_owned(),
                terminal_safe(&hit.entry.id).into_owned(),
            ]
        })
        .collect();
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(rows.iter()) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(rows.iter()) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:>w2$}  {:<w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}
