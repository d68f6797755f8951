//! A blank Tauri window (see Cargo.toml): the window and its page come from tauri.conf.json.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the blank window could not be opened");
}
