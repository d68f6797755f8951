//! Long work the window follows instead of waiting for: an import, a
//! restore, a leak check. Each kind has one [`Job`] in the app's state; the
//! work runs on a thread of its own, the window reads its status (the
//! `…_status` commands) to draw progress, and may ask it to stop (the
//! `cancel_…` commands).
//!
//! Promises: one job of a kind runs at a time (a start while the status
//! says it runs is refused); each start has a fresh stop flag, so a cancel
//! meant for an earlier run never stops the next; the status can always be
//! read, even after the work's thread panicked. Every kind's status is a
//! [`Status`]: the same state words and error, with the kind's own detail.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use super::IpcError;

/// Where a job is; each kind uses the words that fit its work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// None run yet.
    #[default]
    Idle,
    /// A leak check making its fingerprints.
    Preparing,
    /// A leak check reading files.
    Scanning,
    /// An import writing keys.
    Importing,
    /// A restore putting keys back.
    Restoring,
    /// Over, to the end.
    Done,
    /// Stopped by the person.
    Cancelled,
    /// Over with an error.
    Failed,
}

impl JobState {
    /// The work is under way.
    pub fn running(self) -> bool {
        matches!(
            self,
            Self::Preparing | Self::Scanning | Self::Importing | Self::Restoring
        )
    }
}

/// The status of one kind of job as the window reads it: its state, what
/// is particular to the kind (`detail`, sent as fields of their own), and
/// why it failed.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
#[ts(rename = "JobStatus")]
pub struct Status<D> {
    /// Where the job is.
    pub state: JobState,
    /// The kind's own progress and result.
    #[serde(flatten)]
    #[ts(flatten)]
    pub detail: D,
    /// Why it failed.
    pub error: Option<IpcError>,
}

impl<D> Status<D> {
    /// A job under way in `state`, with its first `detail`.
    pub fn started(state: JobState, detail: D) -> Self {
        Self {
            state,
            detail,
            error: None,
        }
    }

    /// Ends the job with `result`: failed with its error, or in the state
    /// `ended` gives after writing the kind's result into the detail.
    pub fn end<T, E: Into<IpcError>>(
        &mut self,
        result: Result<T, E>,
        ended: impl FnOnce(&mut D, T) -> JobState,
    ) {
        match result {
            Ok(value) => self.state = ended(&mut self.detail, value),
            Err(error) => {
                self.state = JobState::Failed;
                self.error = Some(error.into());
            }
        }
    }
}

impl<D: Clone + Default + Send + 'static> JobStatus for Status<D> {
    fn running(&self) -> bool {
        self.state.running()
    }
}

/// A job's status, as the window reads it.
pub trait JobStatus: Clone + Default + Send + 'static {
    /// The work is under way.
    fn running(&self) -> bool;
}

/// One kind of long work: its status and the stop flag of its current run.
#[derive(Default)]
pub struct Job<S> {
    status: Arc<Mutex<S>>,
    cancel: Mutex<Arc<AtomicBool>>,
}

impl<S: JobStatus> Job<S> {
    /// The status now.
    pub fn status(&self) -> S {
        lock(&self.status).clone()
    }

    /// The work is under way.
    pub fn running(&self) -> bool {
        lock(&self.status).running()
    }

    /// Asks the running work to stop (it stops where its loop next checks).
    pub fn cancel(&self) {
        lock(&self.cancel).store(true, Ordering::Relaxed);
    }

    /// Starts `work` on a thread called `name`, with the status set to
    /// `first`; refused with `busy()` while a run is under way. The status
    /// as it started.
    pub fn start(
        &self,
        name: &str,
        first: S,
        busy: impl FnOnce() -> IpcError,
        work: impl FnOnce(Progress<S>) + Send + 'static,
    ) -> Result<S, IpcError> {
        let progress = {
            let mut status = lock(&self.status);
            if status.running() {
                return Err(busy());
            }
            *status = first;
            let cancel = Arc::new(AtomicBool::new(false));
            *lock(&self.cancel) = cancel.clone();
            Progress {
                status: self.status.clone(),
                cancel,
            }
        };
        let started = self.status();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || work(progress))
            .map_err(IpcError::internal)?;
        Ok(started)
    }
}

/// What the work's thread holds: its status to update and its stop flag.
pub struct Progress<S> {
    status: Arc<Mutex<S>>,
    cancel: Arc<AtomicBool>,
}

impl<S> Progress<S> {
    /// Changes the status the window reads.
    pub fn update(&self, change: impl FnOnce(&mut S)) {
        change(&mut lock(&self.status));
    }

    /// The stop flag, for work that checks it itself.
    pub fn cancel_flag(&self) -> &AtomicBool {
        &self.cancel
    }

    /// The window asked the work to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// The value behind `mutex`, also after a thread panicked while holding it
/// (a status is plain data: the last value written is the one to show).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Count {
        running: bool,
        done: u32,
    }

    impl JobStatus for Count {
        fn running(&self) -> bool {
            self.running
        }
    }

    /// A status that says the work runs, nothing done yet.
    fn started() -> Count {
        Count {
            running: true,
            done: 0,
        }
    }

    fn busy() -> IpcError {
        IpcError::invalid("busy")
    }

    fn wait_until(job: &Job<Count>, done: impl Fn(&Count) -> bool) -> Count {
        let started = std::time::Instant::now();
        loop {
            let now = job.status();
            if done(&now) || started.elapsed() > std::time::Duration::from_secs(10) {
                return now;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn a_second_start_is_refused_while_the_first_runs_and_a_cancel_stops_it() {
        let job = Job::<Count>::default();
        let first = started();
        let started = job
            .start("count", first.clone(), busy, |progress| {
                while !progress.cancelled() {
                    progress.update(|s| s.done += 1);
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                progress.update(|s| s.running = false);
            })
            .unwrap();
        assert!(started.running, "the start says it runs");
        assert!(
            job.start("count", first, busy, |_| {}).is_err(),
            "one run at a time"
        );
        wait_until(&job, |s| s.done > 2);
        job.cancel();
        let after = wait_until(&job, |s| !s.running);
        assert!(!after.running, "the cancel stopped the work");
    }

    #[test]
    fn a_cancel_meant_for_an_earlier_run_does_not_stop_the_next() {
        let job = Job::<Count>::default();
        job.cancel();
        job.start("count", started(), busy, |progress| {
            let stopped = progress.cancelled();
            progress.update(|s| {
                s.done = u32::from(stopped);
                s.running = false;
            });
        })
        .unwrap();
        let after = wait_until(&job, |s| !s.running);
        assert_eq!(after.done, 0, "the new run starts with its own stop flag");
    }

    #[test]
    fn the_status_is_read_after_the_work_panicked() {
        let job = Job::<Count>::default();
        job.start("count", started(), busy, |progress| {
            progress.update(|s| {
                s.done = 7;
                panic!("the work failed halfway");
            });
        })
        .unwrap();
        let after = wait_until(&job, |s| s.done == 7);
        assert_eq!(after.done, 7);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(job.status().done, 7, "a poisoned status is still read");
    }
}
