//! `liaison`: parse the command line, run it, say what failed in one line.

use clap::Parser;
use liaison_api::cli::{run, Cli};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("liaison: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
