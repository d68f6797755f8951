//! The first process of `keyward-background`: a small supervisor that runs
//! the background work — tray, reminders, team publisher, audit stream (the
//! worker, [`crate::agent`]) — as a child process and starts it again when
//! it dies, so that Keyward's reminders cannot stop silently.
//!
//! Promises:
//! - the supervisor does nothing that can fail in practice: no async
//!   runtime, no D-Bus, no files; it starts the worker (this same program
//!   with [`WORKER`] as its argument), waits for it and reads how it ended;
//! - a worker that ends by itself — Quit, the window took the reminders
//!   over, Keyward already running, an error it explained on standard
//!   error — ends the supervisor with the same exit status, nothing started
//!   again;
//! - a worker that dies — killed by a signal such as SIGKILL, SIGABRT or
//!   SIGSEGV, or a panic (the worker aborts on one, see
//!   [`crate::agent::run`]; exit status 101 counts too) — is started again
//!   after a pause of 1 s, doubling with each death in the last
//!   [`DEATHS_WINDOW`], at most [`LONGEST_PAUSE`];
//! - the [`GIVE_UP_AFTER`]th death within [`DEATHS_WINDOW`] ends it: one
//!   plain desktop notification says so (shown by this program started with
//!   [`SAY_STOPPED`], so that nothing of D-Bus runs in the supervisor),
//!   then the supervisor exits with failure — never a silent loop;
//! - SIGTERM and SIGINT to the supervisor (a logout, Ctrl-C) are passed on
//!   to the worker as SIGTERM, which finishes its work in flight as for Quit
//!   (an audit stream batch); the supervisor ends with it and starts
//!   nothing again. A worker ended by SIGTERM, SIGINT or SIGHUP sent to it
//!   directly was asked to stop too: the supervisor ends;
//! - the worker never outlives the supervisor: it gets SIGTERM when the
//!   supervisor ends, however that happens (`PR_SET_PDEATHSIG`).

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::Read;
use std::os::unix::net::UnixStream;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// The argument that makes `keyward-background` the worker (hidden: only
/// the supervisor passes it).
pub const WORKER: &str = "--worker";

/// The argument that makes `keyward-background` show the notification that
/// the background work stopped after repeated errors, and exit.
pub const SAY_STOPPED: &str = "--say-stopped";

/// The pause before the first restart; each death in [`DEATHS_WINDOW`]
/// doubles it.
pub const FIRST_PAUSE: Duration = Duration::from_secs(1);

/// The longest pause before a restart.
pub const LONGEST_PAUSE: Duration = Duration::from_secs(60);

/// Deaths within this long of each other count together.
pub const DEATHS_WINDOW: Duration = Duration::from_secs(10 * 60);

/// The death, within [`DEATHS_WINDOW`], after which the supervisor gives up.
pub const GIVE_UP_AFTER: usize = 5;

/// The exit status of a Rust program whose main thread panicked (unwinding).
const PANIC_STATUS: i32 = 101;

/// The notification shown when the supervisor gives up.
pub const STOPPED_TITLE: &str = "Keyward's reminders stopped";
/// Its text.
pub const STOPPED_BODY: &str =
    "Keyward's reminders stopped after repeated errors. Open Keyward to start them again.";

/// What `keyward-background` was started to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The supervisor (no argument; unknown arguments are ignored).
    Supervisor,
    /// The worker ([`WORKER`]).
    Worker,
    /// Show the "stopped" notification ([`SAY_STOPPED`]).
    SayStopped,
}

impl Role {
    /// The role the program's arguments (without the program name) ask for.
    pub fn from_args(mut args: impl Iterator<Item = OsString>) -> Self {
        match args.next() {
            Some(arg) if arg == WORKER => Self::Worker,
            Some(arg) if arg == SAY_STOPPED => Self::SayStopped,
            _ => Self::Supervisor,
        }
    }
}

/// How a worker ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited by itself with this status: the supervisor exits with it.
    Finished(u8),
    /// A signal asked it to stop (SIGTERM, SIGINT, SIGHUP): the supervisor
    /// exits (128 + the signal, as a shell says it).
    Stopped(i32),
    /// It died (another signal, or a panic's status): start it again.
    Died,
}

impl Ending {
    /// Reads a worker's exit status.
    pub fn of(status: ExitStatus) -> Self {
        if let Some(code) = status.code() {
            if code == PANIC_STATUS {
                Self::Died
            } else {
                Self::Finished(u8::try_from(code & 0xff).unwrap_or(1))
            }
        } else if let Some(signal) = status.signal() {
            if [libc::SIGTERM, libc::SIGINT, libc::SIGHUP].contains(&signal) {
                Self::Stopped(signal)
            } else {
                Self::Died
            }
        } else {
            Self::Died
        }
    }

    /// The supervisor's exit status for a worker that ended so.
    fn exit_code(self) -> ExitCode {
        match self {
            Self::Finished(code) => ExitCode::from(code),
            Self::Stopped(signal) => ExitCode::from(u8::try_from(128 + signal).unwrap_or(1)),
            Self::Died => ExitCode::FAILURE,
        }
    }
}

/// What to do after a worker died.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Start it again after this pause.
    RestartAfter(Duration),
    /// It died too often: say so and end.
    GiveUp,
}

/// The recent deaths of the worker.
#[derive(Debug, Default)]
pub struct Deaths(VecDeque<Instant>);

impl Deaths {
    /// Counts a death at `now`; what to do next.
    pub fn died(&mut self, now: Instant) -> Next {
        self.0
            .retain(|&at| now.saturating_duration_since(at) < DEATHS_WINDOW);
        self.0.push_back(now);
        let recent = self.0.len();
        if recent >= GIVE_UP_AFTER {
            return Next::GiveUp;
        }
        let doublings = u32::try_from(recent - 1).unwrap_or(u32::MAX);
        let pause = 2u32
            .checked_pow(doublings)
            .and_then(|factor| FIRST_PAUSE.checked_mul(factor))
            .unwrap_or(LONGEST_PAUSE);
        Next::RestartAfter(pause.min(LONGEST_PAUSE))
    }
}

/// Runs the supervisor until the worker ends by itself, is asked to stop,
/// or died [`GIVE_UP_AFTER`] times.
pub fn run() -> ExitCode {
    let program = match crate::agent::background_program() {
        Ok(program) => program,
        Err(error) => {
            keyward_core::note!("keyward: Keyward could not start its background work: {error}");
            return ExitCode::FAILURE;
        }
    };
    let stop = StopRequests::watch();
    let mut deaths = Deaths::default();
    loop {
        let ending = match run_worker(&program, &stop) {
            Ok(ending) => ending,
            Err(error) => {
                keyward_core::note!(
                    "keyward: Keyward could not start its background work: {error}"
                );
                return ExitCode::FAILURE;
            }
        };
        if ending != Ending::Died || stop.asked() {
            return ending.exit_code();
        }
        match deaths.died(Instant::now()) {
            Next::RestartAfter(pause) => {
                keyward_core::note!(
                    "keyward: Keyward's background work stopped unexpectedly; starting it again in {} s.",
                    pause.as_secs()
                );
                if stop.wait(pause) {
                    return ending.exit_code();
                }
            }
            Next::GiveUp => {
                keyward_core::note!(
                    "keyward: Keyward's background work stopped unexpectedly {GIVE_UP_AFTER} times in {} minutes; it is not started again. Open Keyward to start it again.",
                    DEATHS_WINDOW.as_secs() / 60
                );
                say_stopped_in_child(&program);
                return ExitCode::FAILURE;
            }
        }
    }
}

/// Starts the worker and waits for it to end.
fn run_worker(program: &Path, stop: &StopRequests) -> std::io::Result<Ending> {
    let supervisor = std::process::id();
    let mut command = Command::new(program);
    command.arg(WORKER);
    // SAFETY: the closure runs in the forked child before exec and only
    // calls prctl and getppid, which are async-signal-safe, and builds an
    // io::Error from a number (no allocation).
    unsafe {
        command.pre_exec(move || {
            // SIGTERM when the supervisor ends, however it ends.
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The supervisor ended before the line above: nothing to supervise.
            if u32::try_from(libc::getppid()).ok() != Some(supervisor) {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
    let mut worker = command.spawn()?;
    let pid = i32::try_from(worker.id()).unwrap_or(0);
    stop.worker.store(pid, Ordering::SeqCst);
    // Asked to stop while it was being started: pass it on now.
    if stop.asked() {
        terminate(pid);
    }
    let status = worker.wait();
    stop.worker.store(0, Ordering::SeqCst);
    Ok(Ending::of(status?))
}

/// Sends SIGTERM to process `pid` (nothing for 0).
fn terminate(pid: i32) {
    if pid > 0 {
        // SAFETY: kill has no memory effects; `pid` is our worker's, not
        // yet waited for (or just waited for, then the call finds nothing).
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
}

/// SIGTERM and SIGINT to the supervisor, passed on to the worker.
struct StopRequests {
    /// Whether one arrived.
    asked: Arc<AtomicBool>,
    /// The running worker's pid, 0 when none runs.
    worker: Arc<AtomicI32>,
    /// A message for each one, to end a pause early.
    arrived: Option<Receiver<()>>,
}

impl StopRequests {
    /// Watches for SIGTERM and SIGINT on a thread of its own (the signal
    /// handler only writes a byte to a socket). When that cannot be set up
    /// (said on standard error), a signal ends the supervisor as by
    /// default, and the worker still gets SIGTERM through
    /// `PR_SET_PDEATHSIG`.
    fn watch() -> Self {
        let asked = Arc::new(AtomicBool::new(false));
        let worker = Arc::new(AtomicI32::new(0));
        let arrived = match Self::listen(asked.clone(), worker.clone()) {
            Ok(arrived) => Some(arrived),
            Err(error) => {
                keyward_core::note!(
                    "keyward: Keyward cannot watch for logout signals ({error}); its background work still stops with it."
                );
                None
            }
        };
        Self {
            asked,
            worker,
            arrived,
        }
    }

    fn listen(asked: Arc<AtomicBool>, worker: Arc<AtomicI32>) -> std::io::Result<Receiver<()>> {
        let (mut read, write) = UnixStream::pair()?;
        let (send, receive) = channel();
        std::thread::Builder::new()
            .name("stop-requests".into())
            .spawn(move || {
                let mut byte = [0u8; 1];
                while read.read(&mut byte).is_ok_and(|n| n > 0) {
                    asked.store(true, Ordering::SeqCst);
                    terminate(worker.load(Ordering::SeqCst));
                    let _ = send.send(());
                }
            })?;
        signal_hook::low_level::pipe::register(libc::SIGTERM, write.try_clone()?)?;
        signal_hook::low_level::pipe::register(libc::SIGINT, write)?;
        Ok(receive)
    }

    /// Whether the supervisor was asked to stop.
    fn asked(&self) -> bool {
        self.asked.load(Ordering::SeqCst)
    }

    /// Waits `pause`, or less when asked to stop; whether it was.
    fn wait(&self, pause: Duration) -> bool {
        let until = Instant::now() + pause;
        while !self.asked() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match &self.arrived {
                Some(arrived) => match arrived.recv_timeout(left) {
                    Ok(()) | Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => std::thread::sleep(left),
                },
                None => std::thread::sleep(left),
            }
        }
        self.asked()
    }
}

/// Longest wait for the "stopped" notification to be shown.
const SAY_WITHIN: Duration = Duration::from_secs(30);

/// Shows the "stopped" notification from a child process
/// (`keyward-background --say-stopped`) and waits for it, at most
/// [`SAY_WITHIN`].
fn say_stopped_in_child(program: &PathBuf) {
    let started = Command::new(program).arg(SAY_STOPPED).spawn();
    let mut child = match started {
        Ok(child) => child,
        Err(error) => {
            keyward_core::note!("keyward: could not say so in a notification: {error}");
            return;
        }
    };
    let until = Instant::now() + SAY_WITHIN;
    while Instant::now() < until {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => return,
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `keyward-background --say-stopped`: shows the one notification that the
/// background work stopped after repeated errors.
pub fn say_stopped() -> ExitCode {
    match crate::notifier::show_once(STOPPED_TITLE, STOPPED_BODY) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            keyward_core::note!("keyward: could not say so in a notification: {reason}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_doubles_and_the_fifth_death_in_ten_minutes_gives_up() {
        let mut deaths = Deaths::default();
        let start = Instant::now();
        let pauses: Vec<Next> = (0..5)
            .map(|n| deaths.died(start + Duration::from_secs(n * 20)))
            .collect();
        assert_eq!(
            pauses,
            [
                Next::RestartAfter(Duration::from_secs(1)),
                Next::RestartAfter(Duration::from_secs(2)),
                Next::RestartAfter(Duration::from_secs(4)),
                Next::RestartAfter(Duration::from_secs(8)),
                Next::GiveUp,
            ]
        );
    }

    #[test]
    fn deaths_far_apart_never_give_up() {
        let mut deaths = Deaths::default();
        let start = Instant::now();
        for n in 0..20 {
            assert_eq!(
                deaths.died(start + DEATHS_WINDOW * n),
                Next::RestartAfter(FIRST_PAUSE),
                "death {n}"
            );
        }
    }

    #[test]
    fn only_deaths_restart_and_stop_signals_end() {
        let exited = |code: i32| ExitStatus::from_raw(code << 8);
        let killed = ExitStatus::from_raw;
        assert_eq!(Ending::of(exited(0)), Ending::Finished(0));
        assert_eq!(Ending::of(exited(1)), Ending::Finished(1));
        assert_eq!(Ending::of(exited(101)), Ending::Died);
        assert_eq!(Ending::of(killed(libc::SIGKILL)), Ending::Died);
        assert_eq!(Ending::of(killed(libc::SIGABRT)), Ending::Died);
        assert_eq!(Ending::of(killed(libc::SIGSEGV)), Ending::Died);
        assert_eq!(
            Ending::of(killed(libc::SIGTERM)),
            Ending::Stopped(libc::SIGTERM)
        );
        assert_eq!(
            Ending::of(killed(libc::SIGINT)),
            Ending::Stopped(libc::SIGINT)
        );
    }

    #[test]
    fn the_worker_role_is_asked_for_by_its_argument_only() {
        let role = |args: &[&str]| Role::from_args(args.iter().map(OsString::from));
        assert_eq!(role(&[]), Role::Supervisor);
        assert_eq!(role(&["--something"]), Role::Supervisor);
        assert_eq!(role(&[WORKER]), Role::Worker);
        assert_eq!(role(&[SAY_STOPPED]), Role::SayStopped);
    }
}
