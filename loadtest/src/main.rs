//! `porttrack-loadtest run <scenario.toml>`: drives a suite (or a
//! `porttrack up` it starts) with a simulated port, shows a progress bar,
//! prints a summary and writes the JSON report.
//!
//! `porttrack-loadtest release [--long]`: the zero-downtime harness (rolling
//! update, canary, failing canary, rollback) behind nginx, against the
//! servers `scripts/test.sh --servers-only` starts.

use std::{path::PathBuf, process::ExitCode, time::Duration};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use porttrack_loadtest::{
    LoadTest, Scenario, Spawned, Target,
    release::{Options, StepOutcome, steps},
    target::porttrack_binary,
};

#[derive(Debug, Parser)]
#[command(name = "porttrack-loadtest", about, version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs a scenario and reports.
    Run(RunArgs),
    /// Proves zero downtime: several ingest and ships instances behind
    /// nginx, rolled, canaried and rolled back under steady load. Needs
    /// PORTTRACK_TEST_DATABASE_URL and PORTTRACK_TEST_TANSU (what
    /// `scripts/test.sh --servers-only` prints) and nginx.
    Release(ReleaseArgs),
}

#[derive(Debug, clap::Args)]
struct ReleaseArgs {
    /// The long version: more instances, more traffic, longer steps.
    #[arg(long)]
    long: bool,
    /// Where to write the JSON report.
    #[arg(long)]
    json: Option<PathBuf>,
    /// The `porttrack` binary to run (default: next to this one, or PATH).
    #[arg(long)]
    porttrack_bin: Option<PathBuf>,
    /// Measure and report the canary's p99s without letting them decide
    /// (a debug build, or a machine busy with other work).
    #[arg(long)]
    latency_not_judged: bool,
    /// Only these steps (1 rolling, 2 canary, 3 failing canary, 4 rollback).
    #[arg(long, value_delimiter = ',')]
    steps: Option<Vec<u32>>,
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Scenario file (see loadtest/scenarios/).
    scenario: PathBuf,
    /// `spawn` starts `porttrack up` for the run; a host name uses a suite
    /// already running there on its default ports.
    #[arg(long, default_value = "spawn")]
    target: String,
    /// REST base URL, overriding the target's.
    #[arg(long)]
    http: Option<String>,
    /// gRPC URL (http://host:port), overriding the target's.
    #[arg(long)]
    grpc: Option<String>,
    /// NMEA host:port (TCP and UDP), overriding the target's.
    #[arg(long)]
    nmea: Option<String>,
    /// Bearer token for a suite with authentication on.
    #[arg(long, env = "PORTTRACK_LOADTEST_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// File holding the bearer token (as `porttrack token` prints it).
    #[arg(long, conflicts_with = "token")]
    token_file: Option<PathBuf>,
    /// Overrides the scenario's positions per second.
    #[arg(long)]
    rate: Option<f64>,
    /// Overrides the scenario's seconds of traffic.
    #[arg(long)]
    duration: Option<f64>,
    /// Where to write the JSON report.
    #[arg(long)]
    json: Option<PathBuf>,
    /// The `porttrack` binary to spawn (default: next to this one, or PATH).
    #[arg(long)]
    porttrack_bin: Option<PathBuf>,
    /// Extra environment for a spawned suite (`KEY=VALUE`, repeatable),
    /// e.g. `PORTTRACK_KAFKA_BROKERS=127.0.0.1:9092`.
    #[arg(long = "spawn-env", value_parser = key_value)]
    spawn_env: Vec<(String, String)>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let outcome = match cli.command {
        Command::Run(args) => runtime.block_on(run(args)),
        Command::Release(args) => runtime.block_on(release(args)),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: RunArgs) -> anyhow::Result<bool> {
    let mut scenario = Scenario::load(&args.scenario)?;
    scenario.rate = args.rate.or(scenario.rate);
    scenario.duration_s = args.duration.unwrap_or(scenario.duration_s);
    scenario.validate()?;
    let (target, spawned) = target(&args, &scenario)?;
    let test = LoadTest::start(scenario, target).await?;
    let report = watch(test, args.quiet).await;
    print!("{}", report.human());
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))?;
        println!("JSON report: {}", path.display());
    }
    if let Some(s) = spawned {
        s.stop(Duration::from_secs(30));
    }
    Ok(report.is_clean())
}

async fn release(args: ReleaseArgs) -> anyhow::Result<bool> {
    let bin = args.porttrack_bin.unwrap_or_else(porttrack_binary);
    let mut o = if args.long {
        Options::long(bin)
    } else {
        Options::short(bin)
    };
    if let Some(steps) = args.steps {
        o.steps = steps;
    }
    o.judge_latency = !args.latency_not_judged;
    let report = steps::run(o, |s| println!("{}", s.human())).await?;
    let pass = report.steps.iter().all(StepOutcome::passes);
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))?;
        println!("JSON report: {}", path.display());
    }
    println!(
        "zero downtime: {}",
        if pass { "PROVEN" } else { "NOT PROVEN" }
    );
    Ok(pass)
}

fn target(args: &RunArgs, scenario: &Scenario) -> anyhow::Result<(Target, Option<Spawned>)> {
    let (mut target, spawned) = if args.target == "spawn" {
        let bin = args.porttrack_bin.clone().unwrap_or_else(porttrack_binary);
        let mut env = scenario.spawn_env.clone();
        env.extend(args.spawn_env.iter().cloned());
        let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let s = Spawned::up(&bin.display().to_string(), &env)?;
        (s.target.clone(), Some(s))
    } else {
        (Target::at_host(&args.target)?, None)
    };
    if let Some(h) = &args.http {
        target.http = h.clone();
    }
    if let Some(g) = &args.grpc {
        target.grpc = g.clone();
    }
    if let Some(n) = &args.nmea {
        target.nmea = n.parse().with_context(|| format!("--nmea {n}"))?;
    }
    target.token = match &args.token_file {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .with_context(|| format!("reading {}", p.display()))?
                .trim()
                .to_owned(),
        ),
        None => args.token.clone(),
    };
    Ok((target, spawned))
}

fn key_value(raw: &str) -> Result<(String, String), String> {
    raw.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("`{raw}` is not KEY=VALUE"))
}

/// Shows progress until the scenario's duration is over, then stops and
/// reconciles (the bar says so while it waits for the last positions).
async fn watch(test: LoadTest, quiet: bool) -> porttrack_loadtest::Report {
    let total = test.scenario().duration();
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total.as_millis() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {percent:>3}% {msg}")
            .expect("template")
            .progress_chars("=> "),
    );
    while test.elapsed() < total && test.is_sending() {
        let s = test.snapshot();
        let errors: u64 = s.errors.values().sum();
        bar.set_position(test.elapsed().as_millis() as u64);
        bar.set_message(format!(
            "sent {} accepted {} live {} reads {} errors {}",
            s.positions_sent, s.positions_accepted, s.live_received, s.reads, errors
        ));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bar.set_message("settling and reconciling");
    let report = test.stop().await;
    bar.finish_and_clear();
    report
}
