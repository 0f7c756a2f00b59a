#!/usr/bin/env bash
#
# Checks PortTrack's shipped observability: the Prometheus alert rules and
# their unit tests, the Alertmanager example, the Grafana dashboards, and that
# rules and dashboards only use metrics of the contract
# (helm/porttrack/files/METRICS.txt).
#
# Self-contained and idempotent: installs what is missing (Debian prometheus
# for promtool, prometheus-alertmanager for amtool; a Python virtualenv with
# promql-parser and PyYAML under the user's cache), then runs every check,
# reports each failure, and exits non-zero if any failed. One check starts a
# throw-away Prometheus on a free loopback port and stops it afterwards.
#
# Usage: scripts/check-observability.sh [--help]
# Environment:
#   PORTTRACK_OBS_VENV  where the Python virtualenv lives
#                       (default: ${XDG_CACHE_HOME:-$HOME/.cache}/porttrack/obs-venv)

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

FILES=helm/porttrack/files
RULES=("$FILES"/rules/*.yaml)
TESTS=(tests/alerts/*.yaml)
ALERTMANAGER=k8s/observability/alertmanager.example.yaml
VENV="${PORTTRACK_OBS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/porttrack/obs-venv}"
# Pinned: the check must not change under us.
PY_PACKAGES=(promql-parser==0.12.0 PyYAML==6.0.2)

log() { printf '[check-observability] %s\n' "$*" >&2; }
die() {
    printf '[check-observability] error: %s\n' "$*" >&2
    exit 1
}

case "${1:-}" in
-h | --help)
    sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
    exit 0
    ;;
"") ;;
*) die "unknown argument: $1 (try --help)" ;;
esac

# --- install -------------------------------------------------------------------

# Runs apt-get as root, through sudo when we are not root.
apt_get() {
    if ((EUID == 0)); then
        DEBIAN_FRONTEND=noninteractive apt-get "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"
    else
        die "not root and no sudo: install the tools by hand: apt-get install prometheus prometheus-alertmanager"
    fi
}

ensure_debian_tools() {
    local missing=()
    command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
    command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
    ((${#missing[@]} == 0)) && return 0
    command -v apt-get >/dev/null 2>&1 ||
        die "promtool/amtool missing and no apt-get: install Prometheus' promtool and Alertmanager's amtool (Debian: apt-get install prometheus prometheus-alertmanager)"
    log "installing ${missing[*]} (Debian packages, for promtool and amtool)"
    apt_get update -qq ||
        die "apt-get update failed; install by hand: apt-get install prometheus prometheus-alertmanager"
    # The packages' services are not wanted here; only their command-line tools.
    apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        die "apt-get install ${missing[*]} failed; install by hand: apt-get install prometheus prometheus-alertmanager"
    command -v promtool >/dev/null 2>&1 || die "promtool still not on PATH after installing prometheus"
    command -v amtool >/dev/null 2>&1 || die "amtool still not on PATH after installing prometheus-alertmanager"
}

ensure_python() {
    command -v python3 >/dev/null 2>&1 || die "python3 not found (apt-get install python3 python3-venv)"
    if [[ -x "$VENV/bin/python" ]] &&
        "$VENV/bin/python" -c 'import promql_parser, yaml' >/dev/null 2>&1; then
        return 0
    fi
    log "creating the Python virtualenv $VENV (${PY_PACKAGES[*]})"
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}" ||
        die "pip install ${PY_PACKAGES[*]} failed"
}

ensure_debian_tools
ensure_python

# --- checks ------------------------------------------------------------------------

FAILED=()

# Runs one named check; records a failure and goes on, so one run shows them all.
check() {
    local name="$1"
    shift
    log "check: $name"
    if "$@"; then
        log "ok: $name"
    else
        log "FAILED: $name"
        FAILED+=("$name")
    fi
}

# Each critical and warning alert must reach its own channel.
check_routes() {
    local severity receiver rc=0
    for severity in critical warning; do
        receiver="slack-porttrack-$severity"
        amtool config routes test --config.file="$ALERTMANAGER" --verify.receivers="$receiver" \
            alertname=PortTrackExample severity="$severity" namespace=porttrack job=porttrack-ships \
            2>/dev/null || {
            log "severity=$severity does not route to $receiver"
            rc=1
        }
    done
    return "$rc"
}

check "promtool check rules" promtool check rules --lint=all --lint-fatal "${RULES[@]}"
check "promtool test rules" promtool test rules "${TESTS[@]}"
check "amtool check-config" amtool check-config "$ALERTMANAGER"
check "alert routing per severity" check_routes
check "dashboards, rule metadata, metric contract" "$VENV/bin/python" - "$FILES" "$ALERTMANAGER" tests/alerts <<'PYTHON'
"""Checks that promtool and amtool do not do:

- METRICS.txt is well formed;
- every alert has severity, summary, description and a runbook, and a unit
  test that expects it to fire and one that expects it quiet;
- the Alertmanager example has no inline webhook URL and its Slack templates render;
- dashboards: valid JSON, unique stable uids, a recent schemaVersion, the
  datasource and namespace variables, every query on ${datasource}, every
  expression parsed by promtool (Prometheus' own parser);
- every metric a rule or a dashboard selects is in METRICS.txt, and every
  label it matches on is one that metric has.
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import promql_parser
import yaml

files, alertmanager, tests_dir = (pathlib.Path(a) for a in sys.argv[1:4])
errors = []

def error(where, msg):
    errors.append(f"{where}: {msg}")

# --- the contract ---
SCRAPE_LABELS = {"job", "instance", "namespace", "pod", "service"}
contract = {}  # name -> (type, labels)
for n, line in enumerate((files / "METRICS.txt").read_text().splitlines(), 1):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    parts = line.split()
    if len(parts) != 3 or parts[1] not in ("counter", "gauge", "histogram"):
        error(f"METRICS.txt:{n}", f"want 'NAME counter|gauge|histogram LABELS', got {line!r}")
        continue
    name, kind, labels = parts
    if not re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", name):
        error(f"METRICS.txt:{n}", f"not a metric name: {name}")
    if name in contract:
        error(f"METRICS.txt:{n}", f"{name} listed twice")
    if kind == "counter" and not name.endswith("_total"):
        error(f"METRICS.txt:{n}", f"counter {name} does not end in _total")
    contract[name] = (kind, set() if labels == "-" else set(labels.split(",")))
ALL_LABELS = set().union(*(labels for _, labels in contract.values())) | SCRAPE_LABELS | {"le"}

def series_labels(name):
    """The labels a selected series may have, or None if the name is not in the contract."""
    if name in contract:
        return contract[name][1] | SCRAPE_LABELS
    for suffix, extra in (("_bucket", {"le"}), ("_sum", set()), ("_count", set())):
        base = name.removesuffix(suffix)
        if base != name and contract.get(base, ("",))[0] == "histogram":
            return contract[base][1] | SCRAPE_LABELS | extra
    return None

def check_expr(where, expr):
    """Parses expr; checks its metric names and label names against the contract."""
    try:
        ast = promql_parser.parse(expr)
    except Exception as e:  # the parser raises ValueError or its own types
        error(where, f"does not parse: {e}")
        return
    found = []

    def visit(node):
        if isinstance(node, promql_parser.VectorSelector):
            found.append(("selector", node))
        elif isinstance(node, promql_parser.AggregateExpr) and node.modifier is not None:
            found.append(("grouping", list(node.modifier.labels)))
        elif isinstance(node, promql_parser.BinaryExpr) and node.modifier is not None:
            matching = node.modifier.matching
            if matching is not None:
                found.append(("grouping", list(matching.labels)))
            found.append(("grouping", list(node.modifier.group_labels or [])))

    promql_parser.walk(ast, visit)
    for kind, item in found:
        if kind == "grouping":
            for label in item:
                if label not in ALL_LABELS:
                    error(where, f"groups or matches on {label!r}, a label no contract metric has")
            continue
        name = item.name
        if not name:
            error(where, "a selector without a metric name")
            continue
        allowed = series_labels(name)
        if allowed is None:
            error(where, f"metric {name} is not in METRICS.txt")
            continue
        for m in item.matchers.matchers:
            if m.name not in allowed and m.name != "__name__":
                error(where, f"{name} has no label {m.name!r} (METRICS.txt)")

# --- rules ---
alerts, groups = {}, {}
for path in sorted((files / "rules").glob("*.yaml")):
    for group in yaml.safe_load(path.read_text())["groups"]:
        # The chart may put every file in one PrometheusRule: names must not clash.
        if group["name"] in groups:
            error(path, f"rule group {group['name']} also in {groups[group['name']]}")
        groups[group["name"]] = path
        for rule in group["rules"]:
            name = rule.get("alert") or rule.get("record")
            where = f"{path}: {name}"
            check_expr(where, rule["expr"])
            if "alert" not in rule:
                continue
            if name in alerts:
                error(where, f"alert name also used in {alerts[name]}")
            alerts[name] = path
            if rule.get("labels", {}).get("severity") not in ("critical", "warning"):
                error(where, "severity label must be critical or warning")
            ann = rule.get("annotations", {})
            for key in ("summary", "description"):
                if not ann.get(key):
                    error(where, f"no {key} annotation")
            if not (ann.get("runbook") or ann.get("runbook_url")):
                error(where, "no runbook or runbook_url annotation")

# Every alert has a test that expects it to fire and one that expects it quiet.
fires, quiet = set(), set()
for path in sorted(tests_dir.glob("*.yaml")):
    for test in yaml.safe_load(path.read_text()).get("tests", []):
        for t in test.get("alert_rule_test", []):
            (fires if t.get("exp_alerts") else quiet).add(t["alertname"])
for name, path in sorted(alerts.items()):
    if name not in fires:
        error(f"{path}: {name}", f"no test in {tests_dir} expects it to fire")
    if name not in quiet:
        error(f"{path}: {name}", f"no test in {tests_dir} expects it to stay quiet")

# --- Alertmanager: the webhook URL comes from a file; templates render ---
am_text = alertmanager.read_text()
am = yaml.safe_load(am_text)
if "hooks.slack.com" in am_text or "slack_api_url" in am.get("global", {}):
    error(alertmanager, "a Slack webhook URL is inline: read it from a file (slack_api_url_file / api_url_file)")
with tempfile.TemporaryDirectory() as tmp:
    glob = pathlib.Path(tmp, "empty.tmpl")
    glob.write_text('{{ define "porttrack.empty" }}{{ end }}')
    for receiver in am.get("receivers", []):
        for slack in receiver.get("slack_configs", []):
            where = f"{alertmanager}: receiver {receiver['name']}"
            if "api_url" in slack:
                error(where, "api_url is inline: use api_url_file or the global slack_api_url_file")
            if not slack.get("channel"):
                error(where, "no channel")
            for field in ("title", "text", "color"):
                if field in slack:
                    r = subprocess.run(["amtool", "template", "render", f"--template.glob={glob}",
                                        f"--template.text={slack[field]}"], capture_output=True, text=True)
                    if r.returncode:
                        error(where, f"{field} template does not render: {r.stderr.strip()}")

# --- dashboards ---
GRAFANA_DURATION = re.compile(r"\$(__rate_interval|__interval|__range)\b|\$\{(__rate_interval|__interval|__range)\}")
GRAFANA_VAR = re.compile(r"\$\{(\w+)(:\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")

def concrete(expr):
    """The expression with Grafana's variables replaced by values Prometheus accepts."""
    return GRAFANA_VAR.sub("porttrack", GRAFANA_DURATION.sub("5m", expr))

def all_panels(panels):
    for p in panels:
        yield p
        yield from all_panels(p.get("panels", []))

uids, titles, exprs = {}, {}, []
boards = sorted((files / "dashboards").glob("*.json"))
if not boards:
    error(files / "dashboards", "no dashboards")
for path in boards:
    try:
        d = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        error(path, f"not JSON: {e}")
        continue
    uid = d.get("uid")
    if not uid or not re.fullmatch(r"[a-zA-Z0-9_-]{1,40}", uid):
        error(path, f"uid {uid!r}: want 1-40 characters of letters, digits, - and _")
    elif uid in uids:
        error(path, f"uid {uid} also used by {uids[uid]}")
    uids[uid] = path
    if d.get("title") in titles:
        error(path, f"title {d.get('title')!r} also used by {titles[d.get('title')]}")
    titles[d.get("title")] = path
    if d.get("id") is not None:
        error(path, "has an id: export for sharing (the id belongs to one Grafana's database)")
    if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 36:
        error(path, f"schemaVersion {d.get('schemaVersion')!r}: want 36 or later")
    variables = {v.get("name"): v for v in d.get("templating", {}).get("list", [])}
    if variables.get("datasource", {}).get("type") != "datasource":
        error(path, "no 'datasource' variable of type datasource")
    if "namespace" not in variables:
        error(path, "no 'namespace' variable")
    panel_ids = set()
    panels = list(all_panels(d.get("panels", [])))
    if not any(p.get("targets") for p in panels):
        error(path, "no panel with a query")
    for p in panels:
        where = f"{path}: panel {p.get('title')!r}"
        if p.get("id") in panel_ids:
            error(where, f"panel id {p.get('id')} used twice")
        panel_ids.add(p.get("id"))
        for t in p.get("targets", []):
            ds = t.get("datasource") or p.get("datasource") or {}
            if ds.get("uid") != "${datasource}":
                error(where, "query not on the ${datasource} variable")
            if not t.get("expr"):
                error(where, f"target {t.get('refId')} has no expr")
                continue
            if "$namespace" not in t["expr"] and "${namespace}" not in t["expr"]:
                error(where, f"target {t.get('refId')} does not filter on $namespace")
            check_expr(f"{where} target {t.get('refId')}", concrete(t["expr"]))
            exprs.append((where, concrete(t["expr"])))
    for name, v in variables.items():
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\)\s*", q or "")
        if v.get("type") == "query" and m:
            check_expr(f"{path}: variable {name}", concrete(m.group(1)))

# Prometheus' own parser has the last word on every dashboard expression.
if exprs:
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump({"groups": [{"name": "dashboards", "rules": [
            {"record": f"dashboard_expr_{i}", "expr": e} for i, (_, e) in enumerate(exprs)]}]}, f)
    r = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
    pathlib.Path(f.name).unlink()
    if r.returncode:
        for m in re.finditer(r"dashboard_expr_(\d+)", r.stdout + r.stderr):
            error(exprs[int(m.group(1))][0], "promtool does not accept the expression")
        error("dashboards", "promtool check rules on the dashboards' expressions:\n" + r.stdout + r.stderr)

for e in errors:
    print(f"  {e}", file=sys.stderr)
print(f"{len(alerts)} alerts, {len(boards)} dashboards, {len(exprs)} dashboard queries, "
      f"{len(contract)} contract metrics: {len(errors)} problems", file=sys.stderr)
sys.exit(1 if errors else 0)
PYTHON

check "every dashboard query returns data from contract-shaped series" "$VENV/bin/python" - "$FILES" <<'PYTHON'
"""Loads synthetic series for every METRICS.txt metric (each service, every
label the contract names) into a throw-away Prometheus on loopback, then runs
every dashboard query and variable: a query that returns nothing from data
shaped like the contract is wrong (a label the series do not have, a
histogram aggregated without le, a filter on the wrong variable)."""
import itertools
import json
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

files = pathlib.Path(sys.argv[1])
SERVICES = ["ingest", "ships", "cargo", "routes", "staff"]
VALUES = {"grpc_service": ["porttrack.x.v1.XService"], "grpc_method": ["GetThing", "StreamThing"],
          "grpc_code": ["OK", "Internal"], "method": ["GET"], "route": ["/v1/things/{id}", "/v1/things/stream"],
          "status_class": ["2xx", "5xx"], "transport": ["udp", "tcp"], "feed": ["north"], "msg_type": ["1"],
          "kind": ["position"], "reason": ["checksum"], "client": ["producer"], "topic": ["t"],
          "partition": ["0", "1"], "group": ["g"], "condition": ["true", "false"]}
STEP, MINUTES = 15, 30

contract = {}
for line in (files / "METRICS.txt").read_text().splitlines():
    if line.strip() and not line.startswith("#"):
        name, kind, labels = line.split()
        contract[name] = (kind, [] if labels == "-" else labels.split(","))


def series_of(name, kind, labels):
    """(name, labels, is_counter, value) for each synthetic series of one metric."""
    if name.startswith("kube_"):
        for svc in SERVICES:
            base = {"job": "kube-state-metrics", "namespace": "pt"}
            if "condition" in labels:
                for c in VALUES["condition"]:
                    yield name, {**base, "pod": f"porttrack-{svc}-0", "condition": c}, False, int(c == "true")
            else:
                yield name, {**base, "deployment": f"porttrack-{svc}"}, False, 2
        return
    for svc in SERVICES:
        # A service's own metrics, the platform's (RED, Kafka, process, up) for all.
        if name.startswith("porttrack_") and not name.startswith(("porttrack_kafka_", f"porttrack_{svc}_")):
            continue
        scrape = {"job": f"porttrack-{svc}", "namespace": "pt", "pod": f"porttrack-{svc}-0", "instance": f"{svc}:8080"}
        for combo in itertools.product(*(VALUES.get(l, ["x"]) for l in labels)):
            lab = {**scrape, **dict(zip(labels, combo))}
            if kind == "histogram":
                for le, share in (("0.1", 0.9), ("0.5", 0.99), ("+Inf", 1.0)):
                    yield name + "_bucket", {**lab, "le": le}, True, 10 * share
                yield name + "_sum", lab, True, 0.5
                yield name + "_count", lab, True, 10
            else:
                yield name, lab, kind == "counter", 10 if kind == "counter" else 1


end = int(time.time()) // 60 * 60 - 120
lines = []
for name, (kind, labels) in contract.items():
    lines.append(f"# TYPE {name} {kind}")
    for n, lab, counter, v in series_of(name, kind, labels):
        ls = ",".join(f'{k}="{x}"' for k, x in sorted(lab.items()))
        lines += [f"{n}{{{ls}}} {v * i * STEP if counter else v} {end - MINUTES * 60 + i * STEP}"
                  for i in range(MINUTES * 60 // STEP + 1)]
lines.append("# EOF")

tmp = pathlib.Path(tempfile.mkdtemp(prefix="porttrack-obs-"))
prometheus = None
try:
    (tmp / "data.om").write_text("\n".join(lines) + "\n")
    subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", str(tmp / "data.om"), str(tmp / "tsdb")],
                   check=True, capture_output=True)
    (tmp / "prometheus.yml").write_text("global: {}\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "prometheus.log", "w")
    prometheus = subprocess.Popen(["prometheus", f"--config.file={tmp / 'prometheus.yml'}",
                                   f"--storage.tsdb.path={tmp / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}"],
                                  stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/-/ready", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or prometheus.poll() is not None:
                sys.exit("prometheus did not become ready:\n" + (tmp / "prometheus.log").read_text()[-2000:])
            time.sleep(0.2)

    def query(expr):
        url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr, "time": end})
        try:
            return json.load(urllib.request.urlopen(url, timeout=10))["data"]["result"]
        except Exception as e:  # an HTTP 400 carries Prometheus' parse error
            return str(e)

    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels", []))

    problems = total = 0
    for path in sorted((files / "dashboards").glob("*.json")):
        d = json.loads(path.read_text())
        variables = {"namespace": "pt", "job": "porttrack-.*", "__rate_interval": "2m"}
        service = path.stem if path.stem in SERVICES else None
        if service:
            variables["job"] = f"porttrack-{service}"
        fill = lambda e: re.sub(r"\$\{?(\w+)\}?", lambda m: variables.get(m.group(1), m.group(0)), e)
        checks = [(p.get("title"), t["expr"]) for p in panels(d.get("panels", [])) for t in p.get("targets", [])]
        for v in d.get("templating", {}).get("list", []):
            q = v.get("query")
            m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\)\s*", (q.get("query") if isinstance(q, dict) else q) or "")
            if v.get("type") == "query" and m:
                checks.append((f"variable {v['name']}", f"count by ({m.group(2)}) ({m.group(1)})"))
        for title, expr in checks:
            total += 1
            result = query(fill(expr))
            if not isinstance(result, list) or not result:
                problems += 1
                print(f"  {path}: {title}: no data from {fill(expr)}: {result}", file=sys.stderr)
    print(f"{total} dashboard queries against contract-shaped series: {problems} without data", file=sys.stderr)
    sys.exit(1 if problems else 0)
finally:
    if prometheus is not None:
        prometheus.terminate()
        prometheus.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)
PYTHON

if ((${#FAILED[@]})); then
    log "FAILED: ${FAILED[*]}"
    exit 1
fi
log "all observability checks passed"
