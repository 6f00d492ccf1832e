//! Terminal setup and the one restore routine that every exit path reaches: the
//! [`TerminalGuard`]'s drop, the panic hook and the error path of [`super::run`].

use std::io;
use std::panic::PanicHookInfo;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute, terminal};

use crate::{Error, Result};

/// A panic hook as [`std::panic::set_hook`] takes it.
pub type PanicHook = Box<dyn Fn(&PanicHookInfo<'_>) + Send + Sync + 'static>;

/// Whether the terminal is in the TUI's modes and so needs restoring.
pub struct RestoreState {
    active: AtomicBool,
}

impl RestoreState {
    pub const fn new() -> Self {
        RestoreState {
            active: AtomicBool::new(false),
        }
    }

    pub fn mark_active(&self) {
        self.active.store(true, Ordering::SeqCst);
    }

    /// Runs `undo` if the state is active and marks it inactive, so only the first of
    /// several calls changes the terminal.
    pub fn restore_with(&self, undo: impl FnOnce() -> io::Result<()>) -> io::Result<()> {
        if self.active.swap(false, Ordering::SeqCst) {
            undo()
        } else {
            Ok(())
        }
    }
}

impl Default for RestoreState {
    fn default() -> Self {
        RestoreState::new()
    }
}

static TERMINAL: RestoreState = RestoreState::new();
static PANIC_HOOK: Once = Once::new();

/// Restores the guard's terminal on drop, including during unwinding.
#[must_use = "the terminal is restored when the guard is dropped"]
pub struct TerminalGuard(());

impl TerminalGuard {
    /// Restores the terminal now and returns the error that drop would have to discard.
    pub fn restore(self) -> io::Result<()> {
        restore()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if let Err(err) = restore() {
            tracing::error!(%err, "restoring the terminal failed");
        }
    }
}

/// Installs the panic hook once, then enables raw mode, the alternate screen and mouse
/// capture.
pub fn enter() -> Result<TerminalGuard> {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(chain_panic_hook(restore_for_panic, previous));
    });
    terminal::enable_raw_mode().map_err(|err| Error::io("terminal", err))?;
    TERMINAL.mark_active();
    if let Err(err) = execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        cursor::Hide
    ) {
        let _ = restore();
        return Err(Error::io("terminal", err));
    }
    Ok(TerminalGuard(()))
}

/// Leaves the alternate screen, disables raw mode and mouse capture, and shows the cursor. Calls after the
/// first, and calls without [`enter`], do nothing.
pub fn restore() -> io::Result<()> {
    TERMINAL.restore_with(undo_terminal_modes)
}

/// Returns a hook that restores the terminal first, so the previous hook prints the panic
/// message on the normal screen.
pub fn chain_panic_hook(restore: fn(), previous: PanicHook) -> PanicHook {
    Box::new(move |info| {
        restore();
        previous(info);
    })
}

fn restore_for_panic() {
    // A panic hook cannot return the error, and the message would be lost on a terminal
    // in raw mode anyway.
    let _ = restore();
}

fn undo_terminal_modes() -> io::Result<()> {
    // Every step runs even when an earlier one fails, so the terminal gets as close to
    // normal as it can.
    let raw = terminal::disable_raw_mode();
    let screen = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    raw.and(screen)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[test]
    fn restore_runs_undo_once() {
        let state = RestoreState::new();
        state.mark_active();
        let mut calls = 0;
        state
            .restore_with(|| {
                calls += 1;
                Ok(())
            })
            .unwrap();
        state
            .restore_with(|| {
                calls += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(calls, 1);
    }

    #[test]
    fn restore_without_enter_is_noop() {
        let state = RestoreState::new();
        let result = state.restore_with(|| Err(io::Error::other("must not run")));
        assert!(result.is_ok());
    }

    #[test]
    fn restore_reports_undo_error() {
        let state = RestoreState::new();
        state.mark_active();
        let result = state.restore_with(|| Err(io::Error::other("not a terminal")));
        assert!(result.is_err());
        assert!(state.restore_with(|| Ok(())).is_ok());
    }

    thread_local! {
        static HOOK_CALLS: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    }

    fn record_restore() {
        HOOK_CALLS.with(|calls| calls.borrow_mut().push("restore"));
    }

    // The hook is process-wide, so a test panicking on another thread meanwhile runs these
    // stubs too. They record into thread-locals, which keeps this test's count exact.
    #[test]
    fn panic_hook_restores_then_chains() {
        let original = std::panic::take_hook();
        let previous: PanicHook =
            Box::new(|_| HOOK_CALLS.with(|calls| calls.borrow_mut().push("previous")));
        std::panic::set_hook(chain_panic_hook(record_restore, previous));

        let outcome = std::panic::catch_unwind(|| panic!("panic inside the app"));

        drop(std::panic::take_hook());
        std::panic::set_hook(original);
        assert!(outcome.is_err());
        let calls = HOOK_CALLS.with(|calls| calls.borrow().clone());
        assert_eq!(calls, ["restore", "previous"]);
    }
}
