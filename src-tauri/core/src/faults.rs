//! Crash points for tests of the create/delete protocol.
//!
//! In debug builds, setting `KEYWARD_TEST_ABORT_AT=<point>` makes the process
//! abort (no clean-up, like a kill) when it reaches that point. Release
//! builds compile this to nothing.

/// Aborts the process here if a test asked for it.
#[inline]
pub(crate) fn point(name: &str) {
    #[cfg(debug_assertions)]
    if crate::env::process().abort_at.as_deref() == Some(name) {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}
