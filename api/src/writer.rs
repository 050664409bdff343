//! Group commit: a few writer threads share one queue. Handlers queue their submissions; a
//! writer takes everything waiting at that moment, appends it with one
//! `Ledger::append_batch` (one durable redb transaction), and only then hands each caller
//! its results. Under load many concurrent submissions share one fsync; when idle a lone
//! submission is committed at once. With several writers, groups move through the
//! ledger's pipeline together: while one group is written and committed, the next is
//! sequenced and the ones after it have their signatures verified (see the ledger's
//! `append` module).

use crate::metrics::Metrics;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use suyuan_core::admission::Refusal;
use suyuan_format::checkpoint::Checkpoint;
use suyuan_format::receipt::Receipt;
use suyuan_store::{Ledger, Submission};
use tokio::sync::oneshot;

/// Most submissions committed in one transaction.
pub const MAX_GROUP: usize = 4096;
/// Writer threads: one writing, one sequencing, the others verifying or making receipts.
const WRITERS: usize = 5;

/// What one queued request gets back once its group has committed.
pub struct Committed {
    pub results: Vec<Result<Receipt, Refusal>>,
    pub checkpoint: Checkpoint,
}

/// Why a queued request got no results.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the log is shutting down")]
    Closed,
    #[error("storage error: {0}")]
    Store(String),
    #[error("the disk is full: {0}")]
    DiskFull(String),
}

struct Job {
    subs: Vec<Submission>,
    reply: oneshot::Sender<Result<Committed, WriteError>>,
}

/// The handle handlers use to queue submissions.
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer threads. They run until every `Writer` is dropped and the queue
    /// is empty, so whatever was queued before shutdown is committed before the returned
    /// thread (which waits for all of them) exits.
    pub fn start(ledger: Arc<Ledger>, metrics: Metrics) -> (Writer, std::thread::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Mutex::new(rx);
        let handle = std::thread::Builder::new()
            .name("suyuan-writer".into())
            .spawn(move || {
                std::thread::scope(|s| {
                    for i in 0..WRITERS {
                        let (ledger, metrics, rx) = (&ledger, &metrics, &rx);
                        std::thread::Builder::new()
                            .name(format!("suyuan-writer-{i}"))
                            .spawn_scoped(s, move || run(ledger, metrics, rx))
                            .expect("spawning a writer thread");
                    }
                });
                tracing::debug!("writers stopped");
            })
            .expect("spawning the writer thread");
        (Writer { tx }, handle)
    }

    /// Queues submissions and waits until they are durably committed (or refused).
    pub async fn submit(&self, subs: Vec<Submission>) -> Result<Committed, WriteError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { subs, reply })
            .map_err(|_| WriteError::Closed)?;
        rx.await.map_err(|_| WriteError::Closed)?
    }
}

/// Takes everything waiting (at least one job, at most about `MAX_GROUP` submissions).
fn next_group(rx: &Mutex<mpsc::Receiver<Job>>) -> Option<(Vec<Job>, usize)> {
    let rx = rx.lock().unwrap_or_else(|p| p.into_inner());
    let first = rx.recv().ok()?;
    let mut count = first.subs.len();
    let mut jobs = vec![first];
    while count < MAX_GROUP {
        match rx.try_recv() {
            Ok(job) => {
                count += job.subs.len();
                jobs.push(job);
            }
            Err(_) => break,
        }
    }
    Some((jobs, count))
}

fn run(ledger: &Ledger, metrics: &Metrics, rx: &Mutex<mpsc::Receiver<Job>>) {
    while let Some((jobs, count)) = next_group(rx) {
        let mut sizes = Vec::with_capacity(jobs.len());
        let mut all = Vec::with_capacity(count);
        let mut replies = Vec::with_capacity(jobs.len());
        for job in jobs {
            sizes.push(job.subs.len());
            all.extend(job.subs);
            replies.push(job.reply);
        }
        let start = Instant::now();
        let outcome = ledger.append_batch(all);
        let elapsed = start.elapsed();
        metrics.commit_seconds.observe(elapsed.as_secs_f64());
        metrics.batch_size.observe(count as f64);
        match outcome {
            Ok(outcome) => {
                metrics.entries.set(outcome.checkpoint.size as i64);
                let mut results = outcome.results.into_iter();
                for (size, reply) in sizes.into_iter().zip(replies) {
                    let mine: Vec<_> = results.by_ref().take(size).collect();
                    for r in &mine {
                        match r {
                            Ok(_) => metrics.submissions.with_label_values(&["accepted"]).inc(),
                            Err(refusal) => {
                                metrics.submissions.with_label_values(&["refused"]).inc();
                                metrics.refusals.with_label_values(&[refusal.code()]).inc();
                            }
                        }
                    }
                    let _ = reply.send(Ok(Committed {
                        results: mine,
                        checkpoint: outcome.checkpoint.clone(),
                    }));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "group commit failed; nothing of it was stored");
                metrics.store_errors.inc();
                let full = e.is_disk_full();
                for reply in replies {
                    let _ = reply.send(Err(if full {
                        WriteError::DiskFull(e.to_string())
                    } else {
                        WriteError::Store(e.to_string())
                    }));
                }
            }
        }
    }
}
