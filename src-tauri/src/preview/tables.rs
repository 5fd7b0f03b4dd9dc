//! CSV tables the preview panel has open, kept between calls so further pages are read from where the table
//! already knows row offsets (a 2 GB file is never read whole). Only the few most recent stay open.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use docket_preview::csv::CsvTable;

/// Tables kept open at most; opening another closes the oldest.
const OPEN_TABLES: usize = 8;

pub type SharedTable = Arc<Mutex<CsvTable>>;

#[derive(Default)]
pub struct OpenTables {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next_id: u32,
    /// Oldest first.
    tables: VecDeque<(u32, SharedTable)>,
}

impl OpenTables {
    /// Keeps `table` open and returns its id.
    pub fn insert(&self, table: CsvTable) -> u32 {
        let mut inner = self.lock();
        inner.next_id = inner.next_id.wrapping_add(1);
        let id = inner.next_id;
        if inner.tables.len() >= OPEN_TABLES {
            inner.tables.pop_front();
        }
        inner.tables.push_back((id, Arc::new(Mutex::new(table))));
        id
    }

    pub fn get(&self, id: u32) -> Option<SharedTable> {
        self.lock()
            .tables
            .iter()
            .find(|(open, _)| *open == id)
            .map(|(_, table)| Arc::clone(table))
    }

    pub fn close(&self, id: u32) {
        self.lock().tables.retain(|(open, _)| *open != id);
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use docket_preview::{PreviewLimits, PreviewSource};

    use super::*;

    fn table(text: &str) -> CsvTable {
        let source = PreviewSource::Prefix {
            bytes: text.as_bytes().to_vec(),
            total_size: Some(text.len() as u64),
        };
        CsvTable::open(source, &PreviewLimits::default()).unwrap()
    }

    #[test]
    fn an_open_table_is_found_by_its_id_until_it_is_closed() {
        let tables = OpenTables::default();
        let id = tables.insert(table("a,b\n1,2\n"));
        assert!(tables.get(id).is_some());
        tables.close(id);
        assert!(tables.get(id).is_none());
    }

    #[test]
    fn opening_more_than_the_limit_closes_the_oldest() {
        let tables = OpenTables::default();
        let first = tables.insert(table("a,b\n1,2\n"));
        let later: Vec<u32> = (0..OPEN_TABLES)
            .map(|_| tables.insert(table("a,b\n1,2\n")))
            .collect();
        assert!(tables.get(first).is_none());
        assert!(later.iter().all(|id| tables.get(*id).is_some()));
    }
}
