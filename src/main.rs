use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Clap exits with status 2 on a usage error and 0 for --help.
    let cli = scimtrail::cli::Cli::parse();
    scimtrail::cli::init_logging();
    match scimtrail::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => {
            // The reader of our output went away (`scimtrail ... | head`), which is not
            // an error of ours.
            ExitCode::SUCCESS
        }
        Err(err) => {
            let message = describe(&err);
            tracing::error!("{message}");
            // Errors quote evidence (a mapping key, a value DuckDB could not convert), so
            // they are escaped like any other evidence text.
            let inert: Vec<String> = message
                .lines()
                .map(scimtrail::sanitize::for_terminal)
                .collect();
            eprintln!("error: {}", inert.join("\n       "));
            ExitCode::FAILURE
        }
    }
}

/// Joins the error's chain of causes, leaving out a cause whose text the message already
/// ends with (a library error that prints its source) and the DuckDB C API's placeholder
/// "Error code 1: Unknown error code", which adds nothing to the message before it.
fn describe(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.ends_with(&text) || (!message.is_empty() && text.contains("Unknown error code"))
        {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io = cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind);
        // serde_json wraps the write error of a JSON document in its own error type.
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}
