//! Column widths and alignment hints for a virtualized table, from the rows at hand.

use serde::Serialize;

use super::numbers::looks_numeric;

const MIN_WIDTH: usize = 3;
const MAX_WIDTH: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Alignment {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnInfo {
    /// The header's label, or `Column N` (1-based) without a header.
    pub name: String,
    /// Suggested width in characters (widest cell, between 3 and 60).
    pub width: usize,
    /// Right for numeric columns.
    pub align: Alignment,
}

pub(crate) fn describe_columns(
    header: Option<&[String]>,
    rows: &[Vec<String>],
    count: usize,
) -> Vec<ColumnInfo> {
    (0..count)
        .map(|index| {
            let name = header
                .and_then(|h| h.get(index))
                .cloned()
                .unwrap_or_else(|| format!("Column {}", index + 1));
            let cells = rows.iter().filter_map(|row| row.get(index));
            let widest = cells
                .clone()
                .map(|cell| cell.lines().map(|l| l.chars().count()).max().unwrap_or(0))
                .chain(std::iter::once(name.chars().count()))
                .max()
                .unwrap_or(0);
            let filled: Vec<&String> = cells.filter(|c| !c.trim().is_empty()).collect();
            let numeric = filled.iter().filter(|c| looks_numeric(c)).count();
            let align = if !filled.is_empty() && numeric * 5 >= filled.len() * 4 {
                Alignment::Right
            } else {
                Alignment::Left
            };
            ColumnInfo {
                name,
                width: widest.clamp(MIN_WIDTH, MAX_WIDTH),
                align,
            }
        })
        .collect()
}
