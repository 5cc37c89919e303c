//! `liaison`: parse the command line, run it, say what failed in one line.

use clap::Parser;
use liaison_api::cli::{run, Cli};
use mimalloc::MiMalloc;

/// glibc's malloc keeps what a thread freed in that thread's arena: each password hash (19 MiB
/// of argon2 memory, on whichever blocking thread ran it) stayed resident, 20 MB more after
/// every login. mimalloc hands freed memory back to the system once its purge delay has passed
/// and the allocator runs again (a node settles at about 38 MB); without transparent huge pages,
/// which would count whole 2 MiB pages of a mostly empty heap as resident.
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

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
