fn main() {
    // As Keyward's src-tauri/build.rs: optimised builds fold identical
    // functions as they are linked, so both windows are linked the same way.
    if std::env::var("PROFILE").as_deref() == Ok("release")
        && std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
    {
        println!("cargo:rustc-link-arg-bins=-Wl,--icf=all");
    }
    tauri_build::build()
}
