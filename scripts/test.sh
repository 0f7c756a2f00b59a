#!/usr/bin/env bash
#
# The one command that runs every PortTrack check, on a laptop and in CI
# (.ci/run just execs this). It installs what the tests need, starts
# PostgreSQL and a Kafka-protocol broker (tansu) on loopback, runs fmt, clippy
# and the tests against them, and always stops the servers afterwards.
#
# Run ./scripts/test.sh --help for options.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

# shellcheck source=scripts/lib/servers.sh
source "$REPO_ROOT/scripts/lib/servers.sh"

usage() {
    cat <<'EOF'
Usage: scripts/test.sh [--long] [--keep-servers] [--servers-only] [--help]

Installs what is missing (PostgreSQL server, gpsd-clients for the AIS
decoder's differential test, prometheus for promtool, which checks
every service's /metrics, nginx for the zero-downtime test's load
balancer, and libssl-dev for Kafka TLS, from Debian
packages; tansu
0.6.0 with cargo install, ~15 minutes the first time), starts PostgreSQL
and tansu on free loopback ports, then runs:
  cargo fmt --all -- --check
  cargo clippy --workspace --all-targets -- -D warnings
  scripts/check-observability.sh   (alert rules and their unit tests with
                                    promtool, Alertmanager config with amtool,
                                    dashboards against the metric contract)
  cargo test --workspace --all-targets
  cargo test --workspace --doc
  scripts/check-deploy.sh   (Helm chart rendered and linted with Helm's
                             engine, Kubernetes and CRD schemas, policies,
                             canary analysis queries, kustomize in step,
                             pre-upgrade hook against PostgreSQL, workflows)
Servers are stopped on exit, also on failure or Ctrl-C. The exit status is
that of the first failing step (0 if all pass).

Options:
  --long          also run long-mode tests (exports PORTTRACK_TEST_LONG=1) and
                  fuzz the AIS codec (PORTTRACK_FUZZ_SECONDS per target, default 60;
                  installs cargo-fuzz if missing)
  --keep-servers  leave the servers running afterwards and print the
                  variables to export, for debugging single tests
  --servers-only  only install and start the servers, print the exports,
                  and wait until Ctrl-C (then stop them)
  -h, --help      show this help

Environment:
  RUST_LOG                  passed to tests (default: warn)
  PORTTRACK_TEST_PG_PORT    fixed PostgreSQL port instead of a free one
  PORTTRACK_TEST_KAFKA_PORT fixed broker port instead of a free one
  PORTTRACK_TEST_TIMEOUT    longest the test run may take once built
                            (default: 30m; a hang fails, naming the test)

Exported to the tests:
  PORTTRACK_TEST_DATABASE_URL   superuser URL; tests create their own databases
  PORTTRACK_TEST_KAFKA_BROKERS  host:port of the shared memory-backed broker
  PORTTRACK_TEST_TANSU          path of the tansu binary, for tests that start
                                their own broker (e.g. with sqlite storage)
  PORTTRACK_TEST_NGINX          the nginx binary, for the zero-downtime test's
                                load balancer
  PORTTRACK_TEST_PG_BIN         PostgreSQL's bin directory, for tests that start
                                their own server (e.g. with TLS on)
  PORTTRACK_TEST_LONG           1 with --long
EOF
}

LONG=0
KEEP_SERVERS=0
SERVERS_ONLY=0
while (($# > 0)); do
    case "$1" in
    --long) LONG=1 ;;
    --keep-servers) KEEP_SERVERS=1 ;;
    --servers-only) SERVERS_ONLY=1 ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        printf 'unknown option: %s\n\n' "$1" >&2
        usage >&2
        exit 2
        ;;
    esac
    shift
done

# cargo install puts tansu here; rustup puts cargo here on a fresh machine.
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$CARGO_BIN:"*) ;;
*) export PATH="$CARGO_BIN:$PATH" ;;
esac

export RUST_LOG="${RUST_LOG:-warn}"
TEST_TIMEOUT="${PORTTRACK_TEST_TIMEOUT:-30m}"
if ((LONG)); then export PORTTRACK_TEST_LONG=1; fi

SERVERS_STARTED=0

# Runs on every exit (success, failure, Ctrl-C): stop the servers unless the
# user asked to keep them, and keep the logs if something went wrong.
on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    if ((SERVERS_STARTED)); then
        if ((KEEP_SERVERS)); then
            log "servers left running (--keep-servers); to use them:"
            print_exports
            cat <<EOF

To stop them:
  kill $TANSU_PID
  $(is_root && echo "runuser -u postgres -- ")$PG_BIN/pg_ctl -D $PG_DIR/data stop && rm -rf $PG_DIR $RUN_DIR
EOF
        elif ((rc != 0)); then
            stop_servers keep-logs
        else
            stop_servers
        fi
    fi
    exit "$rc"
}
trap on_exit EXIT
# Turn signals into a normal exit so the EXIT trap runs with a telling status.
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs one named step; on failure says which step failed and exits with its status.
run_step() {
    local name="$1" rc=0
    shift
    log "step: $name: $*"
    "$@" || rc=$?
    if ((rc != 0)); then
        printf '\nFAILED step: %s (exit %d)\n' "$name" "$rc" >&2
        exit "$rc"
    fi
    log "ok: $name"
}

# promtool (from Debian's prometheus package) lints every service's /metrics
# in crates/porttrack/tests/metrics.rs; that test fails without it.
ensure_promtool() {
    if command -v promtool >/dev/null 2>&1; then
        log "promtool found: $(command -v promtool)"
        return 0
    fi
    log "promtool not found; installing prometheus from Debian packages"
    apt_install prometheus
    command -v promtool >/dev/null 2>&1 || die "installed prometheus but promtool is not on PATH"
}

start_servers() {
    make_run_dir
    SERVERS_STARTED=1
    start_postgres
    start_tansu
    log "servers up:"
    print_exports >&2
}

# --- install ----------------------------------------------------------------
command -v cargo >/dev/null 2>&1 || die "cargo not found (looked on PATH and in $CARGO_BIN)"
command -v python3 >/dev/null 2>&1 || die "python3 not found (used to pick free ports)"
ensure_postgres
ensure_gpsdecode
ensure_promtool
ensure_nginx
ensure_openssl_dev
ensure_tansu

# --- servers only -------------------------------------------------------------
if ((SERVERS_ONLY)); then
    start_servers
    print_exports
    log "servers running; press Ctrl-C to stop them"
    # Here Ctrl-C is the normal way out, not a failure: exit 0, drop the logs.
    trap 'exit 0' INT TERM
    # Short sleeps in the foreground so a signal is handled within a second.
    while kill -0 "$TANSU_PID" 2>/dev/null; do sleep 1; done
    tail -n 30 "$TANSU_LOG" >&2 || true
    die "tansu exited unexpectedly (log: $TANSU_LOG)"
fi

# --- checks that need no servers ---------------------------------------------
run_step "cargo fmt" cargo fmt --all -- --check
run_step "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
run_step "observability" ./scripts/check-observability.sh

# --- tests ----------------------------------------------------------------------
start_servers
run_step "cargo test (build)" cargo test --workspace --all-targets --no-run
# A hung test fails the run here, with cargo's "has been running for over 60
# seconds" lines naming it, instead of eating the CI budget.
run_step "cargo test (at most $TEST_TIMEOUT)" \
    timeout --kill-after=30s "$TEST_TIMEOUT" cargo test --workspace --all-targets
run_step "cargo test (doc)" cargo test --workspace --doc
run_step "deploy checks" ./scripts/check-deploy.sh

# --- long mode: bounded fuzzing of the AIS codec ---------------------------------
if ((LONG)); then
    if ! cargo fuzz --version >/dev/null 2>&1; then
        log "cargo-fuzz not found; installing it with cargo install"
        cargo install cargo-fuzz --locked
    fi
    run_step "fuzz (AIS codec)" ./scripts/fuzz.sh "${PORTTRACK_FUZZ_SECONDS:-60}"
fi

log "all steps passed"
