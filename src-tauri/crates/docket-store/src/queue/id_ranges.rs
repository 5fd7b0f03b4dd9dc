//! A set of transfer ids as the runs of consecutive ids it holds, the JSON `[[first, last], …]` a statement reads
//! with `json_each`. A sync queues its thousands of transfers one after the other, so their ids are a run or a few:
//! a statement that picks among them reads a few pairs instead of parsing and indexing every id (which, once per
//! claimed transfer, made a 10,000-document sync cost the square of its size).

use super::rows::as_json;
use super::QueueError;

/// The SQL condition "`column` is one of the ids" for the JSON of [`as_ranges_json`] bound at `parameter`.
pub(super) fn among(column: &str, parameter: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM json_each({parameter}) WHERE {column} BETWEEN value ->> 0 AND value ->> 1)"
    )
}

/// `ids` (in any order, repeats allowed) as sorted runs `[first, last]` of consecutive ids.
pub(super) fn ranges(ids: &[i64]) -> Vec<[i64; 2]> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<[i64; 2]> = Vec::new();
    for id in sorted {
        match runs.last_mut() {
            Some(run) if run[1].checked_add(1) == Some(id) => run[1] = id,
            _ => runs.push([id, id]),
        }
    }
    runs
}

pub(super) fn as_ranges_json(ids: &[i64]) -> Result<String, QueueError> {
    as_json(&ranges(ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_ids_become_one_run_whatever_their_order() {
        assert_eq!(
            ranges(&[3, 1, 2, 2, 7, 9, 8, 12]),
            vec![[1, 3], [7, 9], [12, 12]]
        );
        assert_eq!(ranges(&[]), Vec::<[i64; 2]>::new());
        assert_eq!(
            ranges(&[i64::MAX, i64::MAX - 1]),
            vec![[i64::MAX - 1, i64::MAX]]
        );
    }

    #[tokio::test]
    async fn the_condition_matches_exactly_the_ids_of_the_runs() {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        let json = as_ranges_json(&[2, 3, 4, 10]).unwrap();
        let matched: Vec<i64> = sqlx::query_scalar(&format!(
            "WITH n(id) AS (SELECT value FROM json_each('[1,2,3,4,5,9,10,11]')) SELECT id FROM n WHERE {} ORDER BY id",
            among("n.id", "?1")
        ))
        .bind(json)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(matched, vec![2, 3, 4, 10]);
    }
}
