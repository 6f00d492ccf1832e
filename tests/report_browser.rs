//! The pack's HTML report opened in headless Chromium (Debian package `chromium`, which
//! `.ci/run` installs). Without the browser the test prints a notice and checks nothing.
//! With `SCIMTRAIL_UPDATE_SCREENSHOTS=1` it also replaces `screenshots/report.png`.

#![cfg(feature = "store")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Workspace;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Runs headless Chromium on the report with its own profile folder and no network
/// (the proxy points at a closed port on loopback).
fn browse(browser: &Path, ws: &Workspace, report: &Path, extra: &[&str]) -> std::process::Output {
    let profile = ws.dir.path().join("chromium-profile");
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--proxy-server=127.0.0.1:9",
            "--window-size=1280,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", report.display()))
        .output()
        .expect("run chromium")
}

fn reviewed_pack() -> (Workspace, PathBuf) {
    let ws = Workspace::new();
    ws.import_fixtures();
    ws.ok(&[
        "campaign",
        "create",
        "--name",
        "Q4 non-human",
        "--kind",
        "service",
        "--kind",
        "agent",
        "--reviewer",
        "alice.chen@northwind.example",
        "--due",
        "2099-12-31",
    ]);
    ws.ok(&[
        "decide",
        "--campaign",
        "C1",
        "--identity",
        "u-2002",
        "--verdict",
        "revoke",
        "--reviewer",
        "alice.chen@northwind.example",
        "--justification",
        "sponsor left",
    ]);
    let pack = ws.dir.path().join("pack");
    ws.ok(&["export", "--out", pack.to_str().unwrap()]);
    (ws, pack)
}

#[test]
fn report_renders_in_chromium() {
    let Some(browser) = chromium() else {
        eprintln!("chromium is not installed; skipping the browser test");
        return;
    };
    let (ws, pack) = reviewed_pack();
    let report = pack.join("report.html");

    let dom = browse(&browser, &ws, &report, &["--dump-dom"]);
    let text = String::from_utf8_lossy(&dom.stdout);
    assert!(
        text.contains("Access review report"),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    assert!(text.contains("orphaned-identity:User/u-2002"));

    let png = ws.dir.path().join("report.png");
    let shot = browse(
        &browser,
        &ws,
        &report,
        &[&format!("--screenshot={}", png.display())],
    );
    let bytes = std::fs::read(&png)
        .unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&shot.stderr)));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    if std::env::var_os("SCIMTRAIL_UPDATE_SCREENSHOTS").is_some() {
        let kept = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots/report.png");
        std::fs::copy(&png, kept).expect("keep screenshot");
    }
}
