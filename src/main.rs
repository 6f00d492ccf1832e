use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Clap exits with status 2 on a usage error and 0 for --help.
    let cli = scimtrail::cli::Cli::parse();
    scimtrail::cli::init_logging();
    match scimtrail::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
