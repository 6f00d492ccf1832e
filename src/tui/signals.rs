//! Termination signals from other processes. SIGTERM, SIGINT and SIGHUP become a quit
//! request, so the TUI leaves through its normal exit path, which restores the terminal.
//! Without a handler the default action ends the process with the terminal still in raw
//! mode and on the alternate screen.

use crate::{Error, Result};

#[cfg(unix)]
pub struct Signals {
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    /// Installs the handlers. Call it inside the tokio runtime, whose IO driver they use.
    pub fn install() -> Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        let install = |kind: SignalKind, name: &str| {
            signal(kind).map_err(|err| Error::io(format!("{name} handler"), err))
        };
        Ok(Signals {
            terminate: install(SignalKind::terminate(), "SIGTERM")?,
            interrupt: install(SignalKind::interrupt(), "SIGINT")?,
            hangup: install(SignalKind::hangup(), "SIGHUP")?,
        })
    }

    /// Waits for the next signal and returns its name.
    pub async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.terminate.recv() => "SIGTERM",
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.hangup.recv() => "SIGHUP",
        }
    }
}

/// Elsewhere crossterm reports Ctrl-C as a key, and no other signal is handled.
#[cfg(not(unix))]
pub struct Signals;

#[cfg(not(unix))]
impl Signals {
    pub fn install() -> Result<Signals> {
        Ok(Signals)
    }

    pub async fn recv(&mut self) -> &'static str {
        std::future::pending().await
    }
}
