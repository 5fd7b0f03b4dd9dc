use std::path::{Path, PathBuf};

use super::*;

async fn store() -> (tempfile::TempDir, QueueStore) {
    let dir = tempfile::tempdir().unwrap();
    let pool = crate::database::open(dir.path()).await.unwrap();
    (dir, QueueStore::new(pool))
}

fn new(document: &str, priority: i64) -> NewTransfer {
    NewTransfer {
        remote: "demo".into(),
        document: document.into(),
        version: None,
        dest_dir: PathBuf::from("/tmp/x"),
        priority,
    }
}

#[tokio::test]
async fn transfers_run_by_priority_then_in_the_order_they_were_added() {
    let (_dir, queue) = store().await;
    let a = queue.enqueue(&new("a", 0)).await.unwrap();
    let b = queue.enqueue(&new("b", 0)).await.unwrap();
    let urgent = queue.enqueue(&new("c", 5)).await.unwrap();
    let order: Vec<i64> = queue
        .claimable(10)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(order, [urgent, a, b]);
    queue.move_to(b, 1).await.unwrap();
    queue.set_priority(urgent, 0).await.unwrap();
    let order: Vec<i64> = queue
        .claimable(10)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(order, [b, a, urgent]);
}

#[tokio::test]
async fn the_next_transfer_is_claimed_in_run_order_leaving_out_running_held_and_unchosen_ones() {
    let (_dir, queue) = store().await;
    let a = queue.enqueue(&new("a", 0)).await.unwrap();
    let b = queue.enqueue(&new("b", 0)).await.unwrap();
    let urgent = queue.enqueue(&new("c", 5)).await.unwrap();
    let d = queue.enqueue(&new("d", 0)).await.unwrap();
    let next = |running: Vec<i64>, only: Option<Vec<i64>>| {
        let queue = &queue;
        async move {
            queue
                .claim_next("r", 60_000, &[], &running, only.as_deref())
                .await
                .unwrap()
                .map(|t| t.id)
        }
    };

    assert_eq!(next(vec![], None).await, Some(urgent));
    assert_eq!(
        queue.get(urgent).await.unwrap().state,
        TransferState::Preparing
    );
    assert!(
        !queue.claim(urgent, "elsewhere", 60_000).await.unwrap(),
        "claimed by r"
    );
    // `urgent` is held by a live claim now; `a` is running here (its claim lapsed but the runner knows it).
    queue.unclaim(urgent, "r").await.unwrap();
    assert!(queue.claim(urgent, "elsewhere", 60_000).await.unwrap());
    assert_eq!(next(vec![a], None).await, Some(b));
    assert_eq!(next(vec![], Some(vec![d])).await, Some(d));
    assert_eq!(next(vec![], Some(vec![urgent, b, d])).await, None);
    assert_eq!(next(vec![], None).await, Some(a));
    assert_eq!(next(vec![], None).await, None);
}

#[tokio::test]
async fn committed_ranges_extend_and_the_total_follows_in_the_same_transaction() {
    let (_dir, queue) = store().await;
    let id = queue.enqueue(&new("a", 0)).await.unwrap();
    assert_eq!(queue.commit_range(id, 0..100).await.unwrap(), 100);
    assert_eq!(queue.commit_range(id, 100..250).await.unwrap(), 250);
    assert_eq!(queue.commit_range(id, 1000..1100).await.unwrap(), 350);
    assert_eq!(queue.committed(id).await.unwrap(), [0..250, 1000..1100]);
    assert_eq!(queue.get(id).await.unwrap().bytes_done, 350);
    queue.reset_progress(id).await.unwrap();
    assert!(queue.committed(id).await.unwrap().is_empty());
    assert_eq!(queue.get(id).await.unwrap().bytes_done, 0);
}

#[tokio::test]
async fn a_live_claim_keeps_other_runners_out_and_a_lapsed_one_does_not() {
    let (_dir, queue) = store().await;
    let id = queue.enqueue(&new("a", 0)).await.unwrap();
    assert!(queue.claim(id, "runner-1", 60_000).await.unwrap());
    assert!(!queue.claim(id, "runner-2", 60_000).await.unwrap());
    assert!(queue.claimable(10).await.unwrap().is_empty());
    assert_eq!(queue.held_elsewhere("runner-2").await.unwrap(), 1);
    assert!(queue.claim(id, "runner-1", -1).await.unwrap());
    assert!(queue.claim(id, "runner-2", 60_000).await.unwrap());
}

#[tokio::test]
async fn a_paused_transfer_is_not_moved_on_by_its_runner_and_resumes_as_queued() {
    let (_dir, queue) = store().await;
    let id = queue.enqueue(&new("a", 0)).await.unwrap();
    assert!(queue.claim(id, "r", 60_000).await.unwrap());
    assert!(queue
        .advance(id, "r", TransferState::Downloading)
        .await
        .unwrap());
    queue.request(id, QueueAction::Pause).await.unwrap();
    assert!(!queue
        .advance(id, "r", TransferState::Verifying)
        .await
        .unwrap());
    assert_eq!(queue.get(id).await.unwrap().state, TransferState::Paused);
    queue.request(id, QueueAction::Resume).await.unwrap();
    assert_eq!(queue.get(id).await.unwrap().state, TransferState::Queued);
}

#[tokio::test]
async fn actions_that_do_not_fit_the_state_are_refused_with_what_would_fit() {
    let (_dir, queue) = store().await;
    let id = queue.enqueue(&new("a", 0)).await.unwrap();
    let err = queue.request(id, QueueAction::Retry).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("transfer {id} is queued; only failed, cancelled or interrupted transfers can be retried")
    );
    queue.fail(id, "boom").await.unwrap();
    queue.request(id, QueueAction::Retry).await.unwrap();
    let retried = queue.get(id).await.unwrap();
    assert_eq!(
        (retried.state, retried.last_error),
        (TransferState::Queued, None)
    );
    assert!(matches!(
        queue.request(999, QueueAction::Pause).await,
        Err(QueueError::NotFound(999))
    ));
}

#[tokio::test]
async fn completing_records_path_and_hash_and_drops_the_ranges() {
    let (_dir, queue) = store().await;
    let id = queue.enqueue(&new("a", 0)).await.unwrap();
    queue.commit_range(id, 0..10).await.unwrap();
    queue
        .complete(id, Path::new("/tmp/x/a (1).pdf"), 10, "abc")
        .await
        .unwrap();
    let done = queue.get(id).await.unwrap();
    assert_eq!(done.state, TransferState::Completed);
    assert_eq!(done.file_name.as_deref(), Some("a (1).pdf"));
    assert_eq!(done.content_hash.as_deref(), Some("abc"));
    assert!(done.finished_at.is_some());
    assert!(queue.committed(id).await.unwrap().is_empty());
}

fn order(records: &[TransferRecord]) -> Vec<i64> {
    records.iter().map(|t| t.id).collect()
}

#[tokio::test]
async fn moving_to_a_place_counts_in_run_order_and_takes_the_priority_of_that_place() {
    let (_dir, queue) = store().await;
    let a = queue.enqueue(&new("a", 0)).await.unwrap();
    let b = queue.enqueue(&new("b", 0)).await.unwrap();
    let c = queue.enqueue(&new("c", 0)).await.unwrap();
    let urgent = queue.enqueue(&new("u", 5)).await.unwrap();
    let done = queue.enqueue(&new("d", 0)).await.unwrap();
    queue.fail(done, "boom").await.unwrap();

    let placed = queue.move_to_place(c, 2).await.unwrap();
    assert_eq!((placed.place, placed.priority), (2, 0));
    assert_eq!(
        order(&queue.claimable(10).await.unwrap()),
        [urgent, c, a, b]
    );

    let placed = queue.move_to_place(b, 1).await.unwrap();
    assert_eq!(
        (placed.place, placed.priority, placed.previous_priority),
        (1, 5, 0)
    );
    assert_eq!(
        order(&queue.claimable(10).await.unwrap()),
        [b, urgent, c, a]
    );

    let placed = queue.move_to_place(b, 99).await.unwrap();
    assert_eq!((placed.place, placed.priority), (4, 0));
    assert_eq!(order(&queue.list().await.unwrap()), [urgent, c, a, b, done]);

    let refused = queue.move_to_place(done, 1).await.unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!("transfer {done} is failed; only unfinished transfers can be moved")
    );
    assert!(matches!(
        queue.move_to_place(999, 1).await,
        Err(QueueError::NotFound(999))
    ));
}

#[tokio::test]
async fn transfers_of_an_unreachable_remote_are_left_out_and_one_put_back_keeps_its_bytes() {
    let (_dir, queue) = store().await;
    let mut elsewhere = new("b", 0);
    elsewhere.remote = "other".into();
    let a = queue.enqueue(&new("a", 0)).await.unwrap();
    let b = queue.enqueue(&elsewhere).await.unwrap();
    let claimed = queue
        .claim_next("r", 60_000, &["demo".to_owned()], &[], None)
        .await
        .unwrap();
    assert_eq!(claimed.map(|t| t.id), Some(b));
    queue.unclaim(b, "r").await.unwrap();
    assert_eq!(
        queue.unclaimed_remotes().await.unwrap(),
        [(a, "demo".to_owned()), (b, "other".to_owned())]
    );

    assert!(queue.claim(a, "r", 60_000).await.unwrap());
    queue
        .advance(a, "r", TransferState::Downloading)
        .await
        .unwrap();
    queue.commit_range(a, 0..100).await.unwrap();
    assert!(queue
        .wait_for_remote(a, "r", "waiting for demo")
        .await
        .unwrap());
    let waiting = queue.get(a).await.unwrap();
    assert_eq!(waiting.state, TransferState::Queued);
    assert_eq!(waiting.bytes_done, 100);
    assert_eq!(waiting.attempts, 0);
    assert_eq!(waiting.last_error.as_deref(), Some("waiting for demo"));
    assert_eq!(queue.committed(a).await.unwrap(), vec![0..100_u64]);
    assert!(order(&queue.claimable(10).await.unwrap()).contains(&a));
}

#[tokio::test]
// A list of one range is what these functions take, not a mistaken range-to-vec.
#[allow(clippy::single_range_in_vec_init)]
async fn written_marks_are_trusted_only_by_the_boot_that_wrote_them_and_durable_ranges_by_any() {
    let (_dir, queue) = store().await;
    let id = queue.enqueue(&new("a", 0)).await.unwrap();
    queue.mark_durable(id, &[0..100]).await.unwrap();
    queue
        .mark_written(id, &[0..150, 200..260], "boot-a")
        .await
        .unwrap();
    assert_eq!(queue.get(id).await.unwrap().bytes_done, 210);
    assert_eq!(
        queue.resumable(id, Some("boot-a")).await.unwrap(),
        [0..150, 200..260]
    );
    // Another boot (a reboot or a power loss since): only what was fsynced, and the stale marks are gone.
    assert_eq!(queue.resumable(id, Some("boot-b")).await.unwrap(), [0..100]);
    assert_eq!(queue.get(id).await.unwrap().bytes_done, 100);
    assert_eq!(queue.resumable(id, Some("boot-a")).await.unwrap(), [0..100]);
    // No boot id at all: written marks are never trusted.
    queue.mark_written(id, &[0..180], "boot-c").await.unwrap();
    assert_eq!(queue.resumable(id, None).await.unwrap(), [0..100]);
}

#[tokio::test]
// A list of one range is what these functions take, not a mistaken range-to-vec.
#[allow(clippy::single_range_in_vec_init)]
async fn starting_over_forgets_written_marks_as_well_as_durable_ranges() {
    let (_dir, queue) = store().await;
    let id = queue.enqueue(&new("a", 0)).await.unwrap();
    queue.mark_durable(id, &[0..10]).await.unwrap();
    queue.mark_written(id, &[0..50], "boot-a").await.unwrap();
    queue.reset_progress(id).await.unwrap();
    assert!(queue
        .resumable(id, Some("boot-a"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(queue.get(id).await.unwrap().bytes_done, 0);
}

#[tokio::test]
async fn clearing_finished_transfers_deletes_completed_failed_and_cancelled_rows_only() {
    let (_dir, queue) = store().await;
    let done = queue.enqueue(&new("done", 0)).await.unwrap();
    let failed = queue.enqueue(&new("failed", 0)).await.unwrap();
    let cancelled = queue.enqueue(&new("cancelled", 0)).await.unwrap();
    let waiting = queue.enqueue(&new("waiting", 0)).await.unwrap();
    let paused = queue.enqueue(&new("paused", 0)).await.unwrap();
    queue
        .complete(done, Path::new("/tmp/x/done"), 3, "abc")
        .await
        .unwrap();
    queue.fail(failed, "gone").await.unwrap();
    queue.request(cancelled, QueueAction::Cancel).await.unwrap();
    queue.request(paused, QueueAction::Pause).await.unwrap();

    assert_eq!(queue.delete_finished().await.unwrap(), 3);
    let left: Vec<i64> = queue.list().await.unwrap().iter().map(|t| t.id).collect();
    assert_eq!(left, [waiting, paused]);
    assert!(matches!(
        queue.get(done).await,
        Err(QueueError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_queued_or_paused_transfer_is_deleted_with_its_ranges_but_not_one_a_runner_holds() {
    let (_dir, queue) = store().await;
    let paused = queue.enqueue(&new("paused", 0)).await.unwrap();
    let held = queue.enqueue(&new("held", 0)).await.unwrap();
    queue.commit_range(paused, 0..100).await.unwrap();
    queue.request(paused, QueueAction::Pause).await.unwrap();
    assert!(queue.claim(held, "runner", 60_000).await.unwrap());
    queue
        .advance(held, "runner", TransferState::Downloading)
        .await
        .unwrap();

    queue.delete(paused).await.unwrap();
    assert!(matches!(
        queue.get(paused).await,
        Err(QueueError::NotFound(_))
    ));
    let ranges: i64 = sqlx::query_scalar("SELECT count(*) FROM transfer_ranges")
        .fetch_one(queue.pool())
        .await
        .unwrap();
    assert_eq!(ranges, 0);
    assert!(matches!(
        queue.delete(held).await,
        Err(QueueError::NotAllowed { .. })
    ));
    assert!(queue.get(held).await.is_ok());
}

#[tokio::test]
async fn a_refreshing_transfer_stays_pending_and_is_downloading_again_once_bytes_are_committed() {
    let (_dir, queue) = store().await;
    let id = queue.enqueue(&new("a", 0)).await.unwrap();
    assert!(queue.claim(id, "runner", 60_000).await.unwrap());
    assert!(queue
        .advance(id, "runner", TransferState::Refreshing)
        .await
        .unwrap());
    let record = queue.get(id).await.unwrap();
    assert_eq!(record.state, TransferState::Refreshing);
    assert_eq!(record.state.to_string(), "refreshing link");
    assert!(record.state.is_pending());
    queue.request(id, QueueAction::Pause).await.unwrap();
    queue.request(id, QueueAction::Resume).await.unwrap();
    assert!(queue
        .advance(id, "runner", TransferState::Refreshing)
        .await
        .unwrap());

    queue.commit_range(id, 0..10).await.unwrap();
    assert_eq!(
        queue.get(id).await.unwrap().state,
        TransferState::Downloading
    );
}

#[tokio::test]
async fn a_transfer_left_mid_work_by_a_gone_runner_is_marked_interrupted_and_a_live_ones_is_not() {
    let (_dir, queue) = store().await;
    let mine = queue.enqueue(&new("mine", 0)).await.unwrap();
    let killed = queue.enqueue(&new("killed", 0)).await.unwrap();
    let lapsed = queue.enqueue(&new("lapsed", 0)).await.unwrap();
    let waiting = queue.enqueue(&new("waiting", 0)).await.unwrap();
    let me = RunnerId::for_this_process().to_string();
    // A process of this boot that has ended, and an older Docket's runner whose lease lapsed.
    let mut ended = std::process::Command::new("true").spawn().unwrap();
    ended.wait().unwrap();
    let gone = me.replacen(&std::process::id().to_string(), &ended.id().to_string(), 1);
    for (id, owner, lease) in [
        (mine, &me, 60_000),
        (killed, &gone, 60_000),
        (lapsed, &"4242-1-0000abcd".to_owned(), -1),
    ] {
        assert!(queue.claim(id, owner, lease).await.unwrap());
        assert!(queue
            .advance(id, owner, TransferState::Downloading)
            .await
            .unwrap());
    }
    assert_eq!(queue.mark_interrupted().await.unwrap(), 2);
    let state = |id| {
        let queue = &queue;
        async move { queue.get(id).await.unwrap().state }
    };
    assert_eq!(state(mine).await, TransferState::Downloading);
    assert_eq!(state(killed).await, TransferState::Interrupted);
    assert_eq!(state(lapsed).await, TransferState::Interrupted);
    assert_eq!(
        state(waiting).await,
        TransferState::Queued,
        "queued is not interrupted"
    );
    let next = queue
        .claim_next("next", 60_000, &[], &[], Some(&[killed]))
        .await
        .unwrap();
    assert_eq!(
        next.map(|t| t.id),
        Some(killed),
        "an interrupted transfer is picked up again at once"
    );
}

#[tokio::test]
async fn the_same_document_into_the_same_folder_is_found_until_it_completes() {
    let (_dir, queue) = store().await;
    let wanted = new("doc", 0);
    assert_eq!(queue.find_unfinished(&wanted).await.unwrap(), None);
    let id = queue.enqueue(&wanted).await.unwrap();
    let elsewhere = NewTransfer {
        dest_dir: PathBuf::from("/tmp/elsewhere"),
        ..wanted.clone()
    };
    let other_version = NewTransfer {
        version: Some("2".into()),
        ..wanted.clone()
    };
    assert_eq!(
        queue.find_unfinished(&wanted).await.unwrap().map(|t| t.id),
        Some(id)
    );
    assert_eq!(queue.find_unfinished(&elsewhere).await.unwrap(), None);
    assert_eq!(queue.find_unfinished(&other_version).await.unwrap(), None);
    queue.request(id, QueueAction::Pause).await.unwrap();
    assert_eq!(
        queue.find_unfinished(&wanted).await.unwrap().map(|t| t.id),
        Some(id)
    );
    queue
        .complete(id, Path::new("/tmp/x/doc"), 3, "blake3:00")
        .await
        .unwrap();
    assert_eq!(queue.find_unfinished(&wanted).await.unwrap(), None);
}

#[tokio::test]
async fn reserving_a_partial_records_its_names_and_forgets_the_progress_of_an_earlier_one() {
    let (_dir, queue) = store().await;
    let id = queue.enqueue(&new("doc", 0)).await.unwrap();
    queue
        .reserve_partial(id, "a.pdf", "a.pdf.0000beef.docket-part")
        .await
        .unwrap();
    queue.commit_range(id, 0..10).await.unwrap();
    queue
        .reserve_partial(id, "a (1).pdf", "a (1).pdf.0000cafe.docket-part")
        .await
        .unwrap();
    let record = queue.get(id).await.unwrap();
    assert_eq!(record.file_name.as_deref(), Some("a (1).pdf"));
    assert_eq!(
        record.partial_name.as_deref(),
        Some("a (1).pdf.0000cafe.docket-part")
    );
    assert_eq!(record.bytes_done, 0);
    assert!(queue.committed(id).await.unwrap().is_empty());
    let owned = queue.owned_partials().await.unwrap();
    assert_eq!(owned.len(), 1);
    assert_eq!(owned[0].partial_name, "a (1).pdf.0000cafe.docket-part");
    queue.forget_partial(id).await.unwrap();
    assert!(queue.owned_partials().await.unwrap().is_empty());
}
