//! The lead's Team screen with 500 desktops of 200 keys (100,000 keys, as
//! `.ci/bench-team` seeds them): the memory the app uses to build and hold
//! its view, counted by the allocator. Its own test binary, so that the
//! counting allocator sees nothing else.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, Utc};
use keyward_core::team_report::DocumentRead;
use keyward_core::team_view::{TeamRowsRequest, TeamViewBuilder};
use serde_json::json;

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; only
// the counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's promises for `layout` are System's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by System with `layout` (see alloc).
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for dealloc; `new_size` is the caller's promise.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // While the block moves, the old and the new one are both in use.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SERVICES: [&str; 10] = [
    "payments-api",
    "billing",
    "maps",
    "search",
    "email-gateway",
    "sms",
    "storage",
    "crm",
    "analytics",
    "auth",
];
const APPLICATIONS: [&str; 5] = [
    "Web Shop",
    "Mobile App",
    "Back Office",
    "Data Pipeline",
    "CI",
];

/// Desktop `d`'s document as the vault gives it (the inventory one JSON
/// string, as Keyward publishes it), 200 keys of the bench's kind.
fn document(d: usize, now: DateTime<Utc>) -> DocumentRead {
    let desktop = format!("user{d:03}@pc{d:03}");
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let keys: Vec<_> = (0..200)
        .map(|k| {
            let mix = d * 7919 + k * 104_729;
            let created = now - Duration::days(1 + (mix % 200) as i64);
            let service = SERVICES[mix % SERVICES.len()];
            json!({"name": format!("{service}-{d:03}-{k:03}"), "service": service,
                   "application": APPLICATIONS[mix % APPLICATIONS.len()], "vendor": null,
                   "owner": null, "issuer": "keyward", "created_at": time(created),
                   "rotate_by": time(created + Duration::days(91)), "status": "ok",
                   "replaced": false, "leaked": false, "leaked_at": null})
        })
        .collect();
    let inventory = json!({"format": 1, "desktop": desktop, "user": format!("user{d:03}"),
                           "computer": format!("pc{d:03}"), "published_at": time(now),
                           "keys": keys});
    DocumentRead {
        desktop: desktop.clone(),
        data: Ok(json!({"format": 1, "desktop": desktop, "inventory": inventory.to_string()})),
        stored_at: Some(now),
    }
}

const MB: usize = 1_000_000;

#[test]
fn the_view_of_100000_keys_is_built_one_document_at_a_time_and_held_compactly() {
    let now: DateTime<Utc> = "2026-11-27T12:00:00Z".parse().unwrap();
    let one = document(0, now);
    let document_bytes = match &one.data {
        Ok(data) => data["inventory"].as_str().unwrap().len(),
        Err(_) => unreachable!(),
    };
    drop(one);

    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let mut builder = TeamViewBuilder::new(now, 14);
    for d in 0..500 {
        // As the vault's answers arrive: each document is taken apart and dropped.
        builder.add(d, document(d, now));
    }
    let mut view = builder.finish();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let held = LIVE.load(Ordering::Relaxed) - before;
    eprintln!(
        "100,000 keys: documents {:.1} MB in all; building peaked at {:.1} MB; the view holds {:.1} MB",
        (document_bytes * 500) as f64 / MB as f64,
        peak as f64 / MB as f64,
        held as f64 / MB as f64
    );
    assert_eq!(view.summary().keys, 100_000);
    assert!(
        held < 25 * MB,
        "the view holds {held} bytes: texts repeated across keys kept once, times as numbers"
    );
    assert!(
        peak < 40 * MB,
        "building peaked at {peak} bytes: more than the view and a few documents at once"
    );

    // Searching keeps within the view's own size (its last answer's rows).
    let request = |query: &str| TeamRowsRequest {
        query: query.into(),
        offset: 0,
        limit: 50,
    };
    let before_search = LIVE.load(Ordering::Relaxed);
    PEAK.store(before_search, Ordering::Relaxed);
    for query in ["b", "bi", "billing", "billing user1", "billing user12", "b"] {
        let rows = view.rows(&request(query));
        assert!(rows.keys.len() <= 50);
    }
    let search_peak = PEAK.load(Ordering::Relaxed) - before_search;
    assert!(
        search_peak < 2 * MB,
        "a search used {search_peak} bytes at most"
    );
}
