//! The app's window on Tauri's mock runtime, with the app's real context
//! (capabilities and access control), and calling its commands the way the
//! page does. Both test binaries use it: the fast tier over the in-memory
//! keychain (`tests/fast/`) and the session tier over the real one.

use keyward::commands::AppState;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};

/// The app on the mock runtime, with one window.
pub struct Window {
    _app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
}

impl Window {
    /// The app over `state`, with one window called `label` (the app's
    /// capability is for `main` only).
    pub fn open(state: AppState, label: &str) -> Self {
        let app = keyward::gui::builder(mock_builder(), state)
            .build(keyward::gui::context())
            .expect("the app builds on the mock runtime");
        let webview = WebviewWindowBuilder::new(&app, label, Default::default())
            .build()
            .unwrap();
        Self { _app: app, webview }
    }
}

/// Calls `cmd` as the page would; the answer, or the error object.
pub fn invoke(window: &Window, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &window.webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}
