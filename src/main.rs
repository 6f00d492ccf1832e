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
            tracing::error!("{err:#}");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
