use clap::Parser;
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = danvan::cli::Cli::parse();
    if let Err(error) = danvan::cli::run(cli).await {
        // One clear line (with causes), never a backtrace dump.
        eprintln!("danvan: {error:#}");
        std::process::exit(1);
    }
}
