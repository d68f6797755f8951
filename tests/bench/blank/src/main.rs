//! A blank Tauri window (see Cargo.toml). It opens page/index.html, or the page named by
//! BLANK_PAGE (`text.html`: the same page with one line of text). The window is made in
//! `setup`, as Keyward makes its own.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let page = std::env::var("BLANK_PAGE").unwrap_or_else(|_| "index.html".into());
    tauri::Builder::default()
        .setup(move |app| {
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::App(page.into()))
                .title("Blank")
                .inner_size(1100.0, 720.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the blank window could not be opened");
}
