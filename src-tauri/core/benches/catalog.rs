//! Benchmarks over a 10,000-key catalog: loading and listing, searching, and
//! planning which keys are due and when the next status change is, and
//! planning reminders (what to announce, when to wake).
//! Run: `cargo bench -p keyward-core`. None of these touch the keychain.

use std::hint::black_box;

use chrono::{Duration, Local, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use keyward_core::catalog::Catalog;
use keyward_core::naming::{KeyName, Label, ServiceName};
use keyward_core::record::{History, KeyRecord, KeyState, Origin};
use keyward_core::reminders::ReminderPolicy;
use keyward_core::rotation::{RotationPolicy, RotationStatus};

const KEYS: usize = 10_000;

fn catalog_with_keys(dir: &std::path::Path) -> Catalog {
    let catalog = Catalog::open(dir).expect("temp catalog");
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    catalog
        .update(|keys| {
            for i in 0..KEYS {
                let service = format!("service-{}", i % 250);
                keys.push(KeyRecord {
                    id: format!("{i:032x}"),
                    name: KeyName::parse(&format!("{service}-key-{i}")).unwrap(),
                    service: ServiceName::parse(&service).unwrap(),
                    application: Label::application(&format!("app {}", i % 40)).unwrap(),
                    credential_id: format!("kwid_{i:026}"),
                    created_at: start + Duration::minutes(i as i64 * 47),
                    origin: Origin::Generated,
                    notes: Label::notes("rotated by the platform team").unwrap(),
                    state: KeyState::Active,
                    history: History::default(),
                    reminder: Default::default(),
                    replaced_by: None,
                    delete_after: None,
                    issuer: None,
                    vendor: None,
                    owner: None,
                    leaked_at: None,
                    rotation: None,
                    replaces: None,
                    received: None,
                });
            }
            Ok::<_, keyward_core::catalog::CatalogError>(())
        })
        .expect("write catalog");
    catalog
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_keys(dir.path());
    let policy = RotationPolicy::default();
    let now = Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap();
    let records = catalog.load().unwrap();
    let views: Vec<_> = records
        .iter()
        .map(|k| k.view(&policy, now, &Local))
        .collect();

    c.bench_function("load + list 10k keys", |b| {
        b.iter(|| {
            let records = catalog.load().unwrap();
            let views: Vec<_> = records
                .iter()
                .map(|k| k.view(&policy, now, &Local))
                .collect();
            black_box(views)
        });
    });
    c.bench_function("search 10k keys", |b| {
        b.iter(|| {
            black_box(
                views
                    .iter()
                    .filter(|v| v.matches_search(black_box("service-42 app 2")))
                    .count(),
            )
        });
    });
    c.bench_function("due planning 10k keys", |b| {
        b.iter(|| {
            let due = records
                .iter()
                .filter(|k| policy.status(k.created_at, now, &Local) != RotationStatus::Ok)
                .count();
            let next = records
                .iter()
                .filter_map(|k| policy.next_change(k.created_at, now, &Local))
                .min();
            black_box((due, next))
        });
    });
    let reminders = ReminderPolicy::default();
    c.bench_function("reminder planning 10k keys", |b| {
        b.iter(|| black_box(reminders.plan(black_box(&records), now, &Local)));
    });
}

criterion_group!(catalog_benches, benches);
criterion_main!(catalog_benches);
