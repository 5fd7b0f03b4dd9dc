//! Queueing a folder's planned documents in one go.

use std::path::PathBuf;

use super::*;

async fn store() -> (tempfile::TempDir, QueueStore) {
    let dir = tempfile::tempdir().unwrap();
    let pool = crate::database::open(dir.path()).await.unwrap();
    (dir, QueueStore::new(pool))
}

fn planned(document: &str) -> (NewTransfer, FilePlan) {
    (
        NewTransfer {
            remote: "demo".into(),
            document: document.into(),
            version: None,
            dest_dir: PathBuf::from("/tmp/folder"),
            priority: 0,
        },
        FilePlan {
            name: format!("{document}.pdf"),
            replaces_hash: None,
            keep_replaced_as: None,
            source_signature: Some("v=1;s=10;m=".into()),
        },
    )
}

#[tokio::test]
async fn many_planned_documents_queue_in_order_after_the_queue_with_their_plans() {
    let (_dir, queue) = store().await;
    let before = queue.enqueue(&planned("earlier").0).await.unwrap();
    let answers = queue
        .enqueue_planned_many(&[planned("a"), planned("b"), planned("c")])
        .await
        .unwrap();
    let ids: Vec<i64> = answers
        .iter()
        .map(|answer| match answer {
            QueuedPlan::New(id) => *id,
            QueuedPlan::Continues(record) => panic!("nothing to continue, got {}", record.id),
        })
        .collect();
    let order: Vec<i64> = queue
        .claimable(10)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(order, [before, ids[0], ids[1], ids[2]]);
    let b = queue.get(ids[1]).await.unwrap();
    assert_eq!(b.document, "b");
    assert_eq!(b.plan.as_ref().map(|p| p.name.as_str()), Some("b.pdf"));
    assert_eq!(
        b.plan.and_then(|p| p.source_signature).as_deref(),
        Some("v=1;s=10;m=")
    );
}

#[tokio::test]
async fn a_planned_document_already_on_its_way_continues_that_transfer() {
    let (_dir, queue) = store().await;
    let first = queue.enqueue_planned_many(&[planned("a")]).await.unwrap();
    let QueuedPlan::New(id) = first[0] else {
        panic!("the first request queues it");
    };
    let again = queue
        .enqueue_planned_many(&[planned("a"), planned("b")])
        .await
        .unwrap();
    assert!(matches!(&again[0], QueuedPlan::Continues(record) if record.id == id));
    assert!(matches!(again[1], QueuedPlan::New(other) if other != id));
    assert_eq!(queue.list().await.unwrap().len(), 2);
}

#[tokio::test]
async fn thousands_of_queued_ids_are_read_back_and_judged_pending_in_one_statement_each() {
    let (_dir, queue) = store().await;
    let documents: Vec<(NewTransfer, FilePlan)> =
        (0..3000).map(|n| planned(&format!("doc-{n}"))).collect();
    let ids: Vec<i64> = queue
        .enqueue_planned_many(&documents)
        .await
        .unwrap()
        .iter()
        .map(|answer| match answer {
            QueuedPlan::New(id) => *id,
            QueuedPlan::Continues(record) => record.id,
        })
        .collect();
    assert_eq!(queue.get_many(&ids).await.unwrap().len(), 3000);
    assert!(queue.any_pending_among(&ids).await.unwrap());
    // The last one claimed from a scope of all of them: the ranges cover the whole run.
    let last = ids[ids.len() - 1];
    let claimed = queue
        .claim_next("r", 60_000, &[], &ids[..ids.len() - 1], Some(&ids))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, last);
    assert!(!queue.any_pending_among(&[]).await.unwrap());
}
