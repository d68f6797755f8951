//! Gives freed memory back to the system after big, short-lived work.
//!
//! Listing 10,000 keys builds the catalog, the list and its serialized form
//! (a few megabytes each) on worker threads; once they are freed, glibc's
//! allocator keeps the pages for reuse, so the process stays tens of
//! megabytes larger for the rest of its life. Asking the allocator to trim
//! after such work returns them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long after the work to trim (the answer to the window is sent by then).
const AFTER: Duration = Duration::from_secs(2);

static SCHEDULED: AtomicBool = AtomicBool::new(false);

/// Trims the allocator shortly after now (once, however often it is called meanwhile).
pub fn give_back_soon() {
    if SCHEDULED.swap(true, Ordering::SeqCst) {
        return;
    }
    tauri::async_runtime::spawn(async {
        tokio::time::sleep(AFTER).await;
        SCHEDULED.store(false, Ordering::SeqCst);
        trim();
    });
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    unsafe extern "C" {
        /// glibc: releases free memory at the top of the heap and free whole
        /// pages inside every arena; returns whether any was released.
        fn malloc_trim(pad: usize) -> std::ffi::c_int;
    }
    // SAFETY: malloc_trim takes no pointers and is safe to call from any
    // thread at any time; it only changes the allocator's own state.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
