//! CSV tables: dialect sniffing, bounded lenient records, paging.

mod columns;
mod cursor;
mod dialect;
mod numbers;
mod records;
mod table;

pub use columns::{Alignment, ColumnInfo};
pub use dialect::CsvDialect;
pub use table::{
    CsvPage, CsvRow, CsvTable, PageTextCut, RaggedRow, RowCount, TableStop, TableSummary,
};

pub(crate) use dialect::sniff_delimiter;
pub(crate) use table::partial_note;
