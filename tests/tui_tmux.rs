//! Drives the real binary in a tmux pane: starts the demo, filters the identities, traces
//! an ID, records a decision and quits, then checks the ledger and that the terminal is
//! back to normal.
//!
//! Each step polls `capture-pane` until the expected text shows, so the test waits only as
//! long as the TUI needs. tmux runs on a socket of its own inside the test's temporary
//! folder, so no other tmux session is touched. CI installs tmux; without it the test fails
//! with a message naming it, unless `SCIMTRAIL_SKIP_TMUX` is set.

#![cfg(feature = "store")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The correlation id that links Okta and Entra events in the demo case.
const RUN_ID: &str = "b7e0c5d2-4a3f-4f8e-9c1a-6d2e8f0a1b3c";
/// How long one step may take before the test fails. Generous, because the demo case is
/// built from scratch on start and CI machines are shared.
const STEP_LIMIT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(50);
/// What the pane's shell prints, followed by the exit code, when the TUI has exited.
const EXIT_MARK: &str = "scimtrail exited with ";

struct Pane {
    socket: PathBuf,
}

impl Pane {
    /// Starts `command` in a detached 100x30 pane. A shell runs it, prints its exit code
    /// and keeps the pane alive, so the terminal's state after the command can be read.
    /// (A dead pane cannot serve: tmux hides the cursor of a pane whose process exited.)
    fn start(socket: PathBuf, state_dir: &Path, command: &str) -> Pane {
        let pane = Pane { socket };
        let state = format!("XDG_STATE_HOME={}", state_dir.display());
        let script = format!("{command}; echo \"{EXIT_MARK}$?\"; exec sleep 600");
        pane.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "100",
            "-y",
            "30",
            "-e",
            &state,
            "sh",
            "-c",
            &script,
        ]);
        pane
    }

    fn tmux(&self, args: &[&str]) -> String {
        let output: Output = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    fn format(&self, format: &str) -> String {
        self.tmux(&["display-message", "-p", format])
            .trim()
            .to_string()
    }

    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    fn press(&self, key: &str) {
        self.tmux(&["send-keys", key]);
    }

    /// Polls the pane until `done` holds for its text, and fails with the last screen
    /// after [`STEP_LIMIT`].
    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(
                started.elapsed() < STEP_LIMIT,
                "timed out waiting for {what}; the pane shows:\n{screen}"
            );
            std::thread::sleep(POLL);
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(&format!("{text:?}"), |screen| screen.contains(text))
    }

    /// Waits for the command to exit and returns its exit code as the shell printed it.
    fn wait_exit(&self) -> String {
        let screen = self.wait_text(EXIT_MARK);
        let code = screen
            .lines()
            .find_map(|line| line.trim().strip_prefix(EXIT_MARK))
            .unwrap_or_default();
        code.to_string()
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        // The server may already be gone; there is nothing to report then.
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|output| output.status.success())
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn demo_review_in_tmux() {
    if !tmux_available() {
        assert!(
            std::env::var_os("SCIMTRAIL_SKIP_TMUX").is_some(),
            "tmux is not installed; install it or set SCIMTRAIL_SKIP_TMUX=1 to skip this test"
        );
        return;
    }
    let workspace = common::Workspace::new();
    let case = workspace.case();
    let command = format!(
        "{} --case {} demo --reviewer e2e.reviewer",
        shell_quote(env!("CARGO_BIN_EXE_scimtrail")),
        shell_quote(&case.display().to_string()),
    );
    let pane = Pane::start(
        workspace.dir.path().join("tmux.sock"),
        &workspace.dir.path().join("state"),
        &command,
    );
    pane.wait_text("Identities (11)");
    assert_eq!(
        pane.format("#{alternate_on}"),
        "1",
        "the TUI uses the alternate screen"
    );

    pane.press("/");
    pane.type_text("carol");
    let filtered = pane.wait_text("Identities (1 of 11)");
    assert!(filtered.contains("carol.diaz"), "{filtered}");
    assert!(!filtered.contains("dave.park"), "{filtered}");
    pane.press("Enter");

    pane.press("2");
    pane.press("i");
    pane.type_text(RUN_ID);
    pane.press("Enter");
    pane.wait_text("6 events");

    pane.press("3");
    pane.wait_text("Reviewing as");
    pane.press("r");
    pane.wait_text("Why?");
    pane.type_text("Deactivated in September, still signing in");
    pane.press("Enter");
    pane.wait_text("Recorded revoke on carol.diaz");

    pane.press("q");
    assert_eq!(pane.wait_exit(), "0", "{}", pane.screen());
    assert_eq!(
        pane.format("#{alternate_on}"),
        "0",
        "the alternate screen is left"
    );
    assert_eq!(pane.format("#{cursor_flag}"), "1", "the cursor is visible");

    let ledger = workspace.json(&["decisions", "--format", "json"]);
    let decisions = ledger["decisions"].as_array().expect("decisions array");
    assert_eq!(decisions.len(), 1, "{ledger}");
    let decision = &decisions[0];
    assert_eq!(decision["identity_key"], "User/u-1003", "{decision}");
    assert_eq!(decision["verdict"], "revoke", "{decision}");
    assert_eq!(decision["reviewer"], "e2e.reviewer", "{decision}");
    assert_eq!(
        decision["justification"], "Deactivated in September, still signing in",
        "{decision}"
    );
}

/// Starts the demo in a pane, sends `signal` to the TUI's process from outside and
/// returns the pane after the process exited, with its exit code.
fn signal_demo(workspace: &common::Workspace, signal: &str) -> (Pane, String) {
    let pid_file = workspace.dir.path().join("tui.pid");
    // The inner shell writes its pid, then `exec` makes that pid the TUI's.
    let inner = format!(
        "echo $$ > {}; exec {} --case {} demo --reviewer e2e.reviewer",
        shell_quote(&pid_file.display().to_string()),
        shell_quote(env!("CARGO_BIN_EXE_scimtrail")),
        shell_quote(&workspace.case().display().to_string()),
    );
    let pane = Pane::start(
        workspace.dir.path().join("tmux.sock"),
        &workspace.dir.path().join("state"),
        &format!("sh -c {}", shell_quote(&inner)),
    );
    pane.wait_text("Identities (11)");
    assert_eq!(pane.format("#{alternate_on}"), "1");
    let pid = std::fs::read_to_string(&pid_file).expect("the TUI's pid file");
    let sent = Command::new("kill")
        .args([signal, pid.trim()])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill {signal} {pid}");
    let code = pane.wait_exit();
    (pane, code)
}

#[test]
fn sigterm_restores_terminal() {
    if !tmux_available() {
        assert!(
            std::env::var_os("SCIMTRAIL_SKIP_TMUX").is_some(),
            "tmux is not installed"
        );
        return;
    }
    for signal in ["-TERM", "-INT"] {
        let workspace = common::Workspace::new();
        let (pane, code) = signal_demo(&workspace, signal);
        assert_eq!(code, "0", "{signal}: {}", pane.screen());
        assert_eq!(
            pane.format("#{alternate_on}"),
            "0",
            "{signal}: the alternate screen is left"
        );
        assert_eq!(
            pane.format("#{cursor_flag}"),
            "1",
            "{signal}: the cursor is visible"
        );
    }
}
