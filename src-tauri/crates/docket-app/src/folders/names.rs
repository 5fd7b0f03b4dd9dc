//! Local names for a folder's entries: the server's names made safe (no separators, no `..`, no control or
//! hidden-file tricks) and unique in their folder, the same way on every run so a sync finds its files again.
//! Folders are named first, then documents, each by name and then id; names compare without regard to case, so
//! the tree also fits a case-insensitive disk.

use std::collections::HashSet;

use docket_core::{sanitize_file_name, Entry, EntryKind};

/// The local name of each of `entries` (one folder's listing), in the same order.
pub fn local_names(entries: &[Entry]) -> Vec<String> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&entries[a], &entries[b]);
        let folder_first = |e: &Entry| e.kind != EntryKind::Folder;
        (folder_first(a), &a.name, &a.id).cmp(&(folder_first(b), &b.name, &b.id))
    });
    let mut taken = HashSet::new();
    let mut names = vec![String::new(); entries.len()];
    for index in order {
        names[index] = unique(&mut taken, &sanitize_file_name(&entries[index].name));
    }
    names
}

/// `name`, or `stem (2).ext`, `stem (3).ext`, … when taken; recorded as taken.
fn unique(taken: &mut HashSet<String>, name: &str) -> String {
    let mut candidate = name.to_owned();
    let mut number = 2;
    while !taken.insert(candidate.to_lowercase()) {
        let (stem, extension) = match name.rfind('.') {
            Some(dot) if dot > 0 => name.split_at(dot),
            _ => (name, ""),
        };
        candidate = format!("{stem} ({number}){extension}");
        number += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, name: &str) -> Entry {
        Entry::document(id, name)
    }

    #[test]
    fn two_documents_of_one_name_are_numbered_by_id_whatever_order_the_server_lists_them() {
        let one = [doc("b", "Report.pdf"), doc("a", "report.pdf")];
        let other = [doc("a", "report.pdf"), doc("b", "Report.pdf")];
        assert_eq!(local_names(&one), ["Report.pdf", "report (2).pdf"]);
        assert_eq!(local_names(&other), ["report (2).pdf", "Report.pdf"]);
    }

    #[test]
    fn a_folder_keeps_its_name_and_a_document_of_the_same_name_is_numbered() {
        let entries = [doc("d", "Minutes"), Entry::folder("f", "Minutes")];
        assert_eq!(local_names(&entries), ["Minutes (2)", "Minutes"]);
    }

    #[test]
    fn hostile_names_become_safe_single_components() {
        let entries = [
            doc("1", "../../etc/passwd"),
            doc("2", ".."),
            doc("3", "a/b"),
        ];
        for name in local_names(&entries) {
            assert!(
                !name.contains('/') && name != ".." && !name.starts_with('.'),
                "{name}"
            );
        }
    }
}
