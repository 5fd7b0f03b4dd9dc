//! Index numbers (`1`, `2.1`, `2.1.3`): every item's position in its folder, folders before documents, prefixed by
//! its folder's number. Data rooms show and sort by these.

use std::collections::HashMap;

use crate::library::Library;

#[derive(Debug, Default)]
pub struct IndexNumbers {
    folders: HashMap<u32, String>,
    documents: HashMap<u32, String>,
}

impl IndexNumbers {
    pub fn of(library: &Library) -> IndexNumbers {
        let mut numbers = IndexNumbers::default();
        // Parents come before children in `folders()`, so a parent's number is known when its items are numbered.
        numbers.folders.insert(library.root().id, String::new());
        for folder in library.folders() {
            let prefix = numbers.folders.get(&folder.id).cloned().unwrap_or_default();
            let number = |position: usize| {
                if prefix.is_empty() {
                    position.to_string()
                } else {
                    format!("{prefix}.{position}")
                }
            };
            let subfolders: Vec<u32> = library.subfolders(folder.id).map(|f| f.id).collect();
            let documents: Vec<u32> = library.documents_in(folder.id).map(|d| d.id).collect();
            for (index, id) in subfolders.iter().enumerate() {
                numbers.folders.insert(*id, number(index + 1));
            }
            for (index, id) in documents.iter().enumerate() {
                numbers
                    .documents
                    .insert(*id, number(subfolders.len() + index + 1));
            }
        }
        numbers
    }

    pub fn folder(&self, id: u32) -> String {
        self.folders.get(&id).cloned().unwrap_or_default()
    }

    pub fn document(&self, id: u32) -> String {
        self.documents.get(&id).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::sample;

    #[test]
    fn documents_follow_the_folders_of_their_folder() {
        let library = Library::sample(1024);
        let numbers = IndexNumbers::of(&library);
        let finance = library.folder_by_path("/Finance").unwrap();
        assert_eq!(numbers.folder(finance.id), "1");
        let report = library.document_by_path(sample::REPORT_PDF).unwrap();
        let ledger = library.document_by_path(sample::LEDGER_CSV).unwrap();
        assert_eq!(numbers.document(report.id), "1.1.1.1");
        assert_eq!(numbers.document(ledger.id), "1.1.1.2");
    }
}
