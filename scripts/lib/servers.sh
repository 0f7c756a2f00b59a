# shellcheck shell=bash
#
# Helpers for scripts/test.sh: install, start and stop the servers the tests
# need (PostgreSQL and the Kafka-protocol broker tansu), all on loopback.
#
# Sourced, not executed. Callers must set REPO_ROOT and have `set -euo pipefail`.
# Server state lives in RUN_DIR (a fresh directory under .test-servers/ per run)
# so two checkouts, or a run and a --keep-servers run, never share data.

TANSU_VERSION="0.6.0"

# Filled in by the start_* functions, read by stop_servers and print_exports.
RUN_DIR=""
PG_BIN=""
PG_DIR=""
PG_PORT=""
TANSU_PID=""
TANSU_PORT=""
TANSU_LOG=""

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Runs a command as root: directly if we are root, else through sudo.
as_root() {
    if is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run '$*' (no sudo found); install it by hand or rerun as root"
    fi
}

# Prints a free loopback TCP port. Binding port 0 lets the kernel choose one;
# there is a small window before the server binds it, which is acceptable here.
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# True once something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ---------------------------------------------------------------------------
# Installation (idempotent: each step checks first and says what it does)
# ---------------------------------------------------------------------------

# Debian puts the server binaries (initdb, pg_ctl, postgres) in a versioned
# directory that is not on PATH. Prints that directory, newest version first.
find_pg_bin() {
    local initdb dir
    # Resolve symlinks (e.g. /usr/local/bin/initdb) so pg_ctl and postgres
    # come from the same installation as initdb.
    if initdb="$(command -v initdb 2>/dev/null)"; then
        dirname "$(readlink -f "$initdb")"
        return 0
    fi
    dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    if [[ -x "$dir/initdb" ]]; then
        printf '%s\n' "$dir"
        return 0
    fi
    return 1
}

APT_UPDATED=0
apt_install() {
    if [[ "$APT_UPDATED" -eq 0 ]]; then
        log "apt-get update"
        as_root apt-get update
        APT_UPDATED=1
    fi
    log "apt-get install -y $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

ensure_postgres() {
    if PG_BIN="$(find_pg_bin)"; then
        log "PostgreSQL server found: $PG_BIN ($("$PG_BIN/postgres" --version))"
        return 0
    fi
    log "PostgreSQL server (initdb) not found; installing it from Debian packages"
    apt_install postgresql
    PG_BIN="$(find_pg_bin)" || die "installed postgresql but still cannot find initdb under /usr/lib/postgresql/*/bin"
    log "PostgreSQL server installed: $PG_BIN"
}

# gpsd's decoder, the reference the AIS codec's differential test compares with.
ensure_gpsdecode() {
    if command -v gpsdecode >/dev/null 2>&1; then
        log "gpsdecode found: $(command -v gpsdecode)"
        return 0
    fi
    log "gpsdecode not found; installing gpsd-clients from Debian packages"
    apt_install gpsd-clients
    command -v gpsdecode >/dev/null 2>&1 || die "installed gpsd-clients but gpsdecode is not on PATH"
}

# nginx, the load balancer the zero-downtime test (loadtest/tests/zero_downtime.rs)
# puts in front of several ingest and ships instances; the harness runs its
# own unprivileged copy, so the package's system service is never used.
ensure_nginx() {
    local bin
    bin="$(command -v nginx || true)"
    [[ -z "$bin" && -x /usr/sbin/nginx ]] && bin=/usr/sbin/nginx
    if [[ -z "$bin" ]]; then
        log "nginx not found; installing it from Debian packages"
        apt_install nginx
        bin="$(command -v nginx || true)"
        [[ -z "$bin" && -x /usr/sbin/nginx ]] && bin=/usr/sbin/nginx
        [[ -n "$bin" ]] || die "installed nginx but cannot find its binary"
    fi
    log "nginx found: $bin"
    export PORTTRACK_TEST_NGINX="$bin"
}

# librdkafka is built with TLS (rdkafka's `ssl` feature), which links the
# system OpenSSL: its headers and pkg-config file come from libssl-dev.
ensure_openssl_dev() {
    if pkg-config --exists openssl 2>/dev/null; then
        log "OpenSSL development files found ($(pkg-config --modversion openssl))"
        return 0
    fi
    log "OpenSSL development files not found; installing libssl-dev and pkg-config from Debian packages"
    apt_install libssl-dev pkg-config
    pkg-config --exists openssl || die "installed libssl-dev but pkg-config still cannot find openssl"
}

ensure_tansu() {
    local have
    if have="$(tansu --version 2>/dev/null)" && [[ "$have" == *"$TANSU_VERSION"* ]]; then
        log "tansu found: $(command -v tansu) ($have)"
        return 0
    fi
    log "tansu $TANSU_VERSION not found (have: ${have:-none}); installing it with cargo install."
    log "This compiles the broker from source and takes ~15 minutes the first time."
    # dynostore gives the memory:// engine used by the shared broker; libsql
    # gives sqlite:// for tests that restart a broker and expect data to survive.
    cargo install tansu --locked --version "$TANSU_VERSION" --features dynostore,libsql
    hash -r
    have="$(tansu --version 2>/dev/null)" || die "cargo install tansu succeeded but 'tansu' is not on PATH ($PATH)"
    log "tansu installed: $(command -v tansu) ($have)"
}

# ---------------------------------------------------------------------------
# Starting and stopping
# ---------------------------------------------------------------------------

make_run_dir() {
    mkdir -p "$REPO_ROOT/.test-servers"
    RUN_DIR="$(mktemp -d "$REPO_ROOT/.test-servers/run.XXXXXX")"
    # mktemp makes it 0700; the postgres user (when we are root) must traverse it.
    chmod 755 "$RUN_DIR"
}

# PostgreSQL refuses to run as root. As root we run initdb/pg_ctl as the
# `postgres` system user; otherwise as ourselves.
pg_user() {
    if is_root; then echo postgres; else id -un; fi
}

as_pg() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    local user
    user="$(pg_user)"
    PG_PORT="${PORTTRACK_TEST_PG_PORT:-$(free_port)}"

    if is_root && ! id postgres >/dev/null 2>&1; then
        log "creating system user 'postgres' (PostgreSQL will not run as root)"
        useradd -r -m postgres
    fi

    # Data, log and unix socket all go in PG_DIR, owned by the server's user.
    # The socket path must stay under ~107 bytes and the postgres user must be
    # able to reach it, so fall back to /tmp if the repo path is unsuitable.
    PG_DIR="$RUN_DIR/pg"
    if ((${#PG_DIR} > 80)) || ! as_pg test -x "$RUN_DIR"; then
        PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/porttrack-pg.XXXXXX")"
        log "using $PG_DIR for PostgreSQL ($RUN_DIR is too long or not reachable by '$user')"
    else
        mkdir -p "$PG_DIR"
    fi
    if is_root; then chown postgres: "$PG_DIR"; fi
    chmod 700 "$PG_DIR"

    log "initdb ($user) in $PG_DIR/data"
    # Trust auth on loopback only: a throwaway cluster for tests, no passwords.
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U porttrack --auth=trust \
        --encoding=UTF8 --locale=C >"$RUN_DIR/initdb.log" 2>&1 ||
        {
            tail -n 30 "$RUN_DIR/initdb.log" >&2
            die "initdb failed (log: $RUN_DIR/initdb.log)"
        }

    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    # fsync=off: test data is disposable and fsync dominates CREATE DATABASE.
    # max_connections=200: every test opens its own pool on its own database.
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
        start >"$RUN_DIR/pg_ctl.log" 2>&1; then
        tail -n 30 "$RUN_DIR/pg_ctl.log" "$PG_DIR/postgres.log" >&2 || true
        die "PostgreSQL did not start (log: $PG_DIR/postgres.log)"
    fi

    # A superuser URL: tests create one fresh database per test from it.
    export PORTTRACK_TEST_DATABASE_URL="postgres://porttrack@127.0.0.1:$PG_PORT/postgres"
    # For tests that start a PostgreSQL of their own (e.g. with TLS on).
    export PORTTRACK_TEST_PG_BIN="$PG_BIN"
}

stop_postgres() {
    [[ -n "$PG_DIR" && -f "$PG_DIR/data/postmaster.pid" ]] || return 0
    log "stopping PostgreSQL (port $PG_PORT)"
    # fast: roll back open sessions and stop now; the data is thrown away anyway.
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
        warn "pg_ctl stop failed; killing the postmaster"
        kill -KILL "$(head -n 1 "$PG_DIR/data/postmaster.pid")" 2>/dev/null || true
    fi
}

start_tansu() {
    local tansu_dir waited=0
    TANSU_PORT="${PORTTRACK_TEST_KAFKA_PORT:-$(free_port)}"
    tansu_dir="$RUN_DIR/tansu"
    TANSU_LOG="$RUN_DIR/tansu.log"
    mkdir -p "$tansu_dir"

    log "starting tansu broker on 127.0.0.1:$TANSU_PORT (log: $TANSU_LOG)"
    # memory:// keeps everything in the broker process: fast, and gone at stop.
    # Run from tansu_dir so nothing the broker writes lands in the repo root.
    (
        cd "$tansu_dir" || exit 1
        exec tansu broker \
            --listener-url "tcp://127.0.0.1:$TANSU_PORT" \
            --advertised-listener-url "tcp://127.0.0.1:$TANSU_PORT" \
            --storage-engine memory://tansu/
    ) >"$TANSU_LOG" 2>&1 &
    TANSU_PID=$!

    # The broker has no readiness probe; the listener accepting TCP is enough.
    until port_open "$TANSU_PORT"; do
        if ! kill -0 "$TANSU_PID" 2>/dev/null; then
            tail -n 30 "$TANSU_LOG" >&2 || true
            TANSU_PID=""
            die "tansu exited before listening on port $TANSU_PORT (log: $TANSU_LOG)"
        fi
        if ((waited >= 60)); then
            tail -n 30 "$TANSU_LOG" >&2 || true
            die "tansu did not listen on port $TANSU_PORT within 60 s (log: $TANSU_LOG)"
        fi
        sleep 1
        waited=$((waited + 1))
    done

    export PORTTRACK_TEST_KAFKA_BROKERS="127.0.0.1:$TANSU_PORT"
    # For tests that need a broker they can restart with data kept: they start
    # their own with `$PORTTRACK_TEST_TANSU broker --storage-engine sqlite://NAME.db`.
    # tansu 0.6.0 (tansu-storage lite.rs) resolves the sqlite URL against the
    # broker's *current directory* (host + path, leading '/' dropped), so
    # absolute paths are not honoured: set the child's cwd to a temp dir and
    # pass a bare file name, e.g. sqlite://broker.db.
    PORTTRACK_TEST_TANSU="$(command -v tansu)"
    export PORTTRACK_TEST_TANSU
}

stop_tansu() {
    [[ -n "$TANSU_PID" ]] || return 0
    if kill -0 "$TANSU_PID" 2>/dev/null; then
        log "stopping tansu (pid $TANSU_PID, port $TANSU_PORT)"
        kill -TERM "$TANSU_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 50; i++)); do
            kill -0 "$TANSU_PID" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$TANSU_PID" 2>/dev/null; then
            warn "tansu ignored SIGTERM for 10 s; sending SIGKILL"
            kill -KILL "$TANSU_PID" 2>/dev/null || true
        fi
    else
        # e.g. Ctrl-C reached it too: tansu handles SIGINT itself.
        log "tansu (pid $TANSU_PID) already exited"
    fi
    wait "$TANSU_PID" 2>/dev/null || true
    TANSU_PID=""
}

# Stops both servers. With $1 = keep-logs, the run directory is left for
# inspection (minus the database files); otherwise it is removed.
stop_servers() {
    local keep_logs="${1:-}"
    stop_tansu
    stop_postgres
    # The PostgreSQL dir may live outside RUN_DIR (see start_postgres).
    if [[ -n "$PG_DIR" && -d "$PG_DIR" ]]; then
        if [[ "$keep_logs" == keep-logs && -f "$PG_DIR/postgres.log" && -n "$RUN_DIR" ]]; then
            cp "$PG_DIR/postgres.log" "$RUN_DIR/postgres.log" 2>/dev/null || true
        fi
        rm -rf "$PG_DIR"
    fi
    PG_DIR=""
    if [[ -n "$RUN_DIR" && -d "$RUN_DIR" ]]; then
        if [[ "$keep_logs" == keep-logs ]]; then
            log "server logs kept in $RUN_DIR"
        else
            rm -rf "$RUN_DIR"
        fi
    fi
}

print_exports() {
    cat <<EOF
export PORTTRACK_TEST_DATABASE_URL=$PORTTRACK_TEST_DATABASE_URL
export PORTTRACK_TEST_KAFKA_BROKERS=$PORTTRACK_TEST_KAFKA_BROKERS
export PORTTRACK_TEST_TANSU=$PORTTRACK_TEST_TANSU
export PORTTRACK_TEST_PG_BIN=$PORTTRACK_TEST_PG_BIN
export PORTTRACK_TEST_NGINX=$PORTTRACK_TEST_NGINX
EOF
}
