//! Folders, an in-memory keychain and a mock-runtime window for the fast tier.

use std::path::PathBuf;
use std::sync::Arc;

use keyward_core::audit::AuditLog;
use keyward_core::catalog::Catalog;
use keyward_core::memory_store::MemoryStore;
use keyward_core::policy::PolicyFile;
use keyward_core::rotation::RotationPolicy;
use keyward_core::settings::SettingsSource;
use keyward_core::vault::Vault;
use serde_json::Value;

pub use crate::mock_window::{Window, invoke};

/// A test's own folders and in-memory keychain.
pub struct Dirs {
    root: tempfile::TempDir,
    /// The keychain the test's Keyward keeps secrets in.
    pub store: Arc<MemoryStore>,
}

impl Dirs {
    pub fn new() -> Self {
        Self {
            root: tempfile::Builder::new()
                .prefix("keyward-fast-")
                .tempdir()
                .unwrap(),
            store: Arc::new(MemoryStore::default()),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    pub fn settings(&self) -> SettingsSource {
        SettingsSource::new(
            &self.root.path().join("config"),
            PolicyFile::new(self.root.path().join("policy.json")),
        )
    }

    pub fn catalog(&self) -> Catalog {
        Catalog::open(self.data_dir()).unwrap()
    }

    pub fn audit(&self) -> AuditLog {
        AuditLog::in_dir(&self.data_dir(), chrono::Utc::now)
    }

    /// The actions in the audit log, in order.
    pub fn audit_actions(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.data_dir().join("audit.log")).unwrap_or_default();
        text.lines()
            .map(|line| {
                let entry: Value = serde_json::from_str(line).unwrap();
                entry["action"].as_str().unwrap().to_owned()
            })
            .collect()
    }
}

/// The main window of an app over `dirs` (its catalog, settings and
/// in-memory keychain).
pub fn window(dirs: &Dirs) -> Window {
    let vault = Vault::new(
        dirs.catalog(),
        dirs.store.clone(),
        RotationPolicy::default(),
    )
    .with_audit(dirs.audit());
    Window::open(keyward::gui::app_state(vault, dirs.settings()), "main")
}
