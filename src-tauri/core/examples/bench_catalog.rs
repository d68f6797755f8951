//! Writes a catalog of N keys, every one of them overdue and never
//! reminded, for the scale benchmark (`.ci/bench-scale`).
//!
//! Usage: `bench_catalog DATA_DIR N`

use chrono::{Duration, Utc};
use keyward_core::catalog::{Catalog, CatalogError};
use keyward_core::naming::{KeyName, Label, ServiceName};
use keyward_core::record::{History, KeyRecord, KeyState, Origin};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(count)) = (args.next(), args.next()) else {
        return Err("usage: bench_catalog DATA_DIR N".into());
    };
    let count: usize = count.parse()?;
    let catalog = Catalog::open(dir)?;
    // A year old and older: overdue under any rotation period Keyward allows.
    let newest = Utc::now() - Duration::days(400);
    catalog.update(|keys| {
        keys.clear();
        for i in 0..count {
            let service = format!("service-{}", i % 250);
            let parse = |e: keyward_core::naming::NameError| {
                CatalogError::from(keyward_core::private_files::FileError::Io {
                    action: "make",
                    path: "bench".into(),
                    source: std::io::Error::other(e),
                })
            };
            keys.push(KeyRecord {
                id: format!("{i:032x}"),
                name: KeyName::parse(&format!("{service}-key-{i}")).map_err(parse)?,
                service: ServiceName::parse(&service).map_err(parse)?,
                application: Label::application(&format!("app {}", i % 40)).map_err(parse)?,
                credential_id: format!("kwid_{i:026}"),
                created_at: newest - Duration::minutes(i as i64),
                origin: Origin::Added,
                notes: Label::notes("rotated by the platform team").map_err(parse)?,
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
        Ok::<_, CatalogError>(())
    })?;
    Ok(())
}
