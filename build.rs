//! Windows only: embeds in `convene.exe` its version information (Explorer's Properties ›
//! Details), its icon (`assets/convene.ico`) and its application manifest
//! (`assets/convene.exe.manifest`: runs as the invoking user, UTF-8 as the active code page, long
//! paths), with the `winresource` crate. For every other target this does nothing.
//!
//! Cross-building from Linux needs MinGW's `x86_64-w64-mingw32-windres` (Debian:
//! `binutils-mingw-w64-x86-64`, which `scripts/release.sh` and `.ci/wine/test` install); on
//! Windows, MSVC's `rc.exe` or MinGW's `windres`. Without it the program is built all the same,
//! without these resources, and cargo shows a warning saying so (so that `cargo clippy --target
//! x86_64-pc-windows-gnu` works on a machine with no MinGW), unless
//! `CONVENE_WINDOWS_RESOURCES=required` (as the release script sets it): then the build fails.

/// A hash of every file under `src/` and of `Cargo.lock`: the same for both programs of one
/// build, different for a program built from other sources.
fn build_id() -> String {
    use std::hash::{Hash as _, Hasher as _};
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = vec![dir.join("Cargo.lock")];
    walk(&dir.join("src"), &mut files);
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in &files {
        f.strip_prefix(&dir).unwrap_or(f).hash(&mut h);
        std::fs::read(f).unwrap_or_default().hash(&mut h);
    }
    // And how it was built: the features (sound), the profile, the target.
    let mut how: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("CARGO_FEATURE_") || k == "PROFILE" || k == "TARGET")
        .collect();
    how.sort();
    how.hash(&mut h);
    format!("{}-{:016x}", std::env::var("CARGO_PKG_VERSION").unwrap_or_default(), h.finish())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // The build's identity: convene hands a session only to a convene-live of the same sources
    // (src/tui/handoff.rs), never to one left over from an older build beside it.
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rustc-env=CONVENE_BUILD_ID={}", build_id());
    println!("cargo:rerun-if-changed=assets/convene.ico");
    println!("cargo:rerun-if-changed=assets/convene.exe.manifest");
    println!("cargo:rerun-if-env-changed=CONVENE_WINDOWS_RESOURCES");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let asset = |name: &str| dir.join("assets").join(name).display().to_string();
    let mut res = winresource::WindowsResource::new();
    res.set_icon(&asset("convene.ico"))
        .set_manifest_file(&asset("convene.exe.manifest"))
        .set("FileDescription", "convene: facilitation protocols on a projector")
        .set("ProductName", "convene")
        .set("InternalName", "convene")
        .set("OriginalFilename", "convene.exe")
        .set("LegalCopyright", "MIT licence; see LICENSE");
    // Only the program carries them (not the test executables).
    if let Err(e) = res.compile_for("convene") {
        let required = std::env::var("CONVENE_WINDOWS_RESOURCES").is_ok_and(|v| v == "required");
        assert!(
            !required,
            "convene.exe's version information, icon and manifest could not be compiled: {e} \
             (install MinGW's windres: apt-get install binutils-mingw-w64-x86-64)"
        );
        println!(
            "cargo:warning=convene.exe is built without its version information, icon and \
             manifest: the resource compiler failed ({e}); install MinGW's windres \
             (apt-get install binutils-mingw-w64-x86-64)"
        );
    }
}
