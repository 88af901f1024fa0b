//! Build script: tells the tests whether Chromium is available, so that
//! `report_loads_in_headless_chromium` is reported as ignored, not passed,
//! where it cannot run. CI installs Chromium and sets REQUIRE_CHROMIUM=1,
//! which makes the test run (and fail if Chromium is missing).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=REQUIRE_CHROMIUM");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rustc-check-cfg=cfg(chromium)");
    let required = std::env::var_os("REQUIRE_CHROMIUM").is_some_and(|v| v == "1");
    let found = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path)
            .any(|dir| ["chromium", "chromium-browser", "google-chrome"].iter().any(|n| dir.join(n).is_file()))
    });
    if required || found {
        println!("cargo::rustc-cfg=chromium");
    }
}
