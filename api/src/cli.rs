//! The `liaison` command line.

use std::future::Future;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tokio::signal::unix::{signal, SignalKind};

use crate::settings::Settings;
use crate::startup::{build_state, open_database, Application};
use crate::{admin, demo, openapi, seed, telemetry, workers};

#[derive(Parser)]
#[command(
    name = "liaison",
    version,
    about = "Deputy–voter liaison: the 码上说事 backend"
)]
pub struct Cli {
    /// A TOML configuration file (default: ./liaison.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP server.
    Serve {
        /// Seed a demo county (once) and enable dev login.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Run the background work alone, without the HTTP server (for deployments that scale
    /// workers apart); stops on SIGTERM or Ctrl-C.
    Worker,
    /// Print the OpenAPI document.
    Openapi,
    /// Raise N generated cases over the past year in the demo county (made if absent), for
    /// measuring: see docs/performance.md.
    Seed {
        /// How many cases.
        #[arg(long)]
        cases: u64,
    },
    /// Administration on the database itself.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a county (if absent) and its first county admin.
    Create(CreateAdmin),
}

#[derive(Args)]
pub struct CreateAdmin {
    #[arg(long)]
    pub phone: String,
    #[arg(long, env = "LIAISON_ADMIN_PASSWORD", hide_env_values = true)]
    pub password: String,
    /// The county's name, e.g. 西平县.
    #[arg(long)]
    pub county: String,
    /// Letters for case numbers, e.g. XP; needed when the county is new.
    #[arg(long)]
    pub code: Option<String>,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = Settings::load(cli.config.as_deref())?;
    if let Command::Serve { demo: true } = cli.command {
        settings.auth.dev_login = true;
    }
    telemetry::init(&settings);
    match cli.command {
        Command::Serve { demo } => serve(settings, demo).await,
        Command::Migrate => {
            open_database(&settings).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Worker => worker(settings).await,
        Command::Seed { cases } => {
            let db = open_database(&settings).await?;
            let started = std::time::Instant::now();
            let seeded = seed::seed(&db, &settings, cases, chrono::Utc::now()).await?;
            println!(
                "seeded {} cases with {} events for {} residents in {:.1} s",
                seeded.cases,
                seeded.events,
                seeded.residents,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Openapi => {
            print!("{}", openapi::document_json()?);
            Ok(())
        }
        Command::Admin {
            command: AdminCommand::Create(args),
        } => {
            let db = open_database(&settings).await?;
            let created = admin::create_county_admin(
                &db,
                &args.phone,
                &args.password,
                &args.county,
                args.code.as_deref(),
                chrono::Utc::now(),
            )
            .await?;
            println!(
                "county admin {} created for county {}{}",
                created.user_id,
                created.county_id,
                if created.county_created {
                    " (new county)"
                } else {
                    ""
                }
            );
            Ok(())
        }
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let stop = shutdown_signal()?;
    settings.check()?;
    let db = open_database(&settings).await?;
    if demo {
        let seed = demo::seed(&db, chrono::Utc::now()).await?;
        if seed.created {
            tracing::info!("demo county seeded");
        }
        println!("Demo accounts (password: {}):", demo::DEMO_PASSWORD);
        for account in &seed.accounts {
            println!(
                "  {:<14} {:<12} {}",
                account.role, account.phone, account.name
            );
        }
        println!("Residents: POST /api/v1/auth/dev {{\"openid\": \"any-string\"}}");
    }
    let addr = settings.http.addr.clone();
    let application = Application::build_with(settings, db).await?;
    if demo {
        let created = demo::seed_cases(&application.state()).await?;
        if created > 0 {
            tracing::info!(created, "demo cases raised");
        }
    }
    let state = application.state();
    let server = application.handle();
    let workers = tokio::spawn(workers::run(state.clone()));
    tracing::info!(%addr, port = application.port(), "liaison is serving; API docs at /docs");
    let serving = application.run_until_stopped();
    tokio::pin!(serving);
    tokio::select! {
        stopped = &mut serving => return stopped.map_err(Into::into),
        () = stop => {}
    }
    tracing::info!("stopping: finishing requests and deliveries in flight");
    state.shutdown.cancel();
    let ((), served, finished) = tokio::join!(server.stop(true), serving, workers);
    served?;
    finished?;
    tracing::info!("liaison stopped");
    Ok(())
}

async fn worker(settings: Settings) -> anyhow::Result<()> {
    let stop = shutdown_signal()?;
    settings.check()?;
    let db = open_database(&settings).await?;
    let state = actix_web::web::Data::new(build_state(settings, db).await?);
    tracing::info!("liaison worker is running");
    let workers = tokio::spawn(workers::run(state.clone()));
    stop.await;
    tracing::info!("stopping: finishing deliveries in flight");
    state.shutdown.cancel();
    workers.await?;
    tracing::info!("liaison worker stopped");
    Ok(())
}

/// Takes over SIGTERM (how process managers stop a service) and SIGINT (Ctrl-C) at once, and
/// answers a future that resolves on either. Taking them over before any work starts means a
/// signal that comes early is held until the process is ready to stop cleanly, instead of
/// killing it with claims in hand.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}
