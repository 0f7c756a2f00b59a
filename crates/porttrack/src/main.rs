use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = porttrack::Cli::parse();
    match porttrack::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("porttrack: {err}");
            ExitCode::FAILURE
        }
    }
}
