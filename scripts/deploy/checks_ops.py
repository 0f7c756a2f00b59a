"""Checks around the chart: observability files it wraps, canary queries in
promtool, the pre-upgrade hook against PostgreSQL, the image, the scripts,
the workflows and the plain manifests."""

from __future__ import annotations

import copy
import json
import os
import pathlib
import re
import shutil
import tempfile

import yaml

import analysis
import chart
import gen_k8s
import preflight_test
from registry import OUT, RENDERS, ROOT, Failed, check, fail_if, need_renders, run

# --- observability files the chart wraps -----------------------------------------


@check("dashboards and rules: zero files render nothing, many render one object each; promtool check rules")
def observability_files():
    need_renders()
    shipped_dash = sorted((chart.CHART / "files" / "dashboards").glob("*.json"))
    shipped_rules = sorted((chart.CHART / "files" / "rules").glob("*.yaml"))
    problems = []
    r = RENDERS["prod-argo"]
    if len(r.kinds("PrometheusRule")) != len(shipped_rules):
        problems.append(f"{len(shipped_rules)} rule files but {len(r.kinds('PrometheusRule'))} PrometheusRules")
    dash_cms = [o for o in r.kinds("ConfigMap") if "-dashboard-" in o["metadata"]["name"]]
    if len(dash_cms) != len(shipped_dash):
        problems.append(f"{len(shipped_dash)} dashboards but {len(dash_cms)} dashboard ConfigMaps")
    with tempfile.TemporaryDirectory() as tmp:
        copy_ = pathlib.Path(tmp) / "porttrack"
        shutil.copytree(chart.CHART, copy_)
        fixtures = pathlib.Path(__file__).parent / "fixtures"
        for f in fixtures.glob("*.json"):
            shutil.copy(f, copy_ / "files" / "dashboards" / f.name)
        for f in fixtures.glob("*.yaml"):
            shutil.copy(f, copy_ / "files" / "rules" / f.name)
        n_dash = len(list((copy_ / "files" / "dashboards").glob("*.json")))
        n_rules = len(list((copy_ / "files" / "rules").glob("*.yaml")))
        rr = chart.render(chart.env_values("prod"), "fixtures", chart=chart.load(copy_))
        cms = [o for o in rr.kinds("ConfigMap") if "-dashboard-" in o["metadata"]["name"]]
        if len(cms) != n_dash or any(o["metadata"]["labels"].get("grafana_dashboard") != "1" for o in cms):
            problems.append(f"{n_dash} dashboards gave {len(cms)} ConfigMaps labelled for the Grafana sidecar")
        for o in cms:
            for key, text in o["data"].items():
                json.loads(text)  # the dashboard survives templating byte-for-byte as JSON
                if text != (copy_ / "files" / "dashboards" / key).read_text().rstrip("\n"):
                    problems.append(f"{key}: ConfigMap content differs from the file")
        rules = rr.kinds("PrometheusRule")
        if len(rules) != n_rules:
            problems.append(f"{n_rules} rule files gave {len(rules)} PrometheusRules")
        unwrapped = []
        for o in rules:
            f = pathlib.Path(tmp) / f'{o["metadata"]["name"]}.rules.yaml'
            f.write_text(yaml.safe_dump(o["spec"], sort_keys=False))
            unwrapped.append(str(f))
            src = [p for p in (copy_ / "files" / "rules").glob("*.yaml")
                   if yaml.safe_load(p.read_text()) == o["spec"]]
            if not src:
                problems.append(f"{o['metadata']['name']}: spec is not any rule file's content")
        if unwrapped:
            p = run(["promtool", "check", "rules", *unwrapped])
            if p.returncode != 0:
                problems.append("promtool check rules:\n" + p.stdout + p.stderr)
    fail_if(problems)
    return (f"shipped: {len(shipped_dash)} dashboard(s), {len(shipped_rules)} rule file(s); "
            f"with fixtures: {n_dash} dashboards, {n_rules} rule files wrapped and promtool-checked")


@check("shipped rule files: promtool check rules and promtool test rules")
def shipped_rules():
    rules = sorted((chart.CHART / "files" / "rules").glob("*.yaml"))
    if not rules:
        return "NOTE: no rule files in helm/porttrack/files/rules yet (the observability work adds them); nothing to check"
    p = run(["promtool", "check", "rules", *map(str, rules)])
    if p.returncode != 0:
        raise Failed(p.stdout + p.stderr)
    # promtool unit tests for the shipped rules, wherever the observability work keeps them.
    tests = sorted(p for base in (ROOT / "helm", ROOT / "k8s", ROOT / "tests") for p in base.rglob("*.y*ml")
                   if "rule_files:" in p.read_text(errors="ignore"))
    for t in tests:
        p = run(["promtool", "test", "rules", t.name], cwd=t.parent)
        if p.returncode != 0:
            raise Failed(f"{t}:\n{p.stdout}{p.stderr}")
    return f"{len(rules)} rule file(s) valid; {len(tests)} promtool test file(s) pass"


@check("Alertmanager example: amtool check-config")
def alertmanager_example():
    fixtures = pathlib.Path(__file__).parent / "fixtures"
    # The check itself works: a good config passes, a broken one does not.
    good = run(["amtool", "check-config", str(fixtures / "alertmanager-fixture.yml")])
    broken = run(["amtool", "check-config", str(fixtures / "alertmanager-fixture-broken.yml")])
    if good.returncode != 0 or broken.returncode == 0:
        raise Failed(f"amtool does not tell a good config from a broken one:\n{good.stdout}{good.stderr}{broken.stdout}")
    found = sorted(p for base in (ROOT / "k8s", ROOT / "helm") for p in base.rglob("alertmanager*.y*ml"))
    if not found:
        return ("NOTE: no alertmanager*.yaml in k8s/ or helm/ yet (the observability work adds it); "
                "amtool proven on a good and a broken fixture")
    p = run(["amtool", "check-config", *map(str, found)])
    if p.returncode != 0:
        raise Failed(p.stdout + p.stderr)
    return f"{len(found)} file(s) valid"


# --- canary analysis, in Prometheus' engine ----------------------------------------


@check("canary queries in promtool: error shares right, no data empty, zero traffic NaN, primary excluded")
def analysis_queries():
    need_renders()
    ok, out = analysis.run(RENDERS["prod-argo"], RENDERS["prod-flagger"], OUT / "promtool", "promtool")
    if not ok:
        raise Failed(out[-4000:])
    broken = chart.Rendered("broken", {}, copy.deepcopy(RENDERS["prod-argo"].objects))
    t = broken.find("AnalysisTemplate", "porttrack-grpc-errors")
    t["spec"]["metrics"][0]["provider"]["prometheus"]["query"] = \
        t["spec"]["metrics"][0]["provider"]["prometheus"]["query"].replace("Unknown|", "NotFound|Unknown|")
    ok2, _ = analysis.run(broken, RENDERS["prod-flagger"], OUT / "promtool-broken", "promtool")
    if ok2:
        raise Failed("the promtool test passed with NotFound counted as an error: it cannot fail")
    return "2 test groups, 16 expressions; a query counting NotFound is caught"


# --- the pre-upgrade hook, for real ---------------------------------------------------


@check("pre-upgrade hook scripts against real PostgreSQL and sockets")
def preflight_scripts():
    need_renders()
    url = os.environ.get("PORTTRACK_TEST_DATABASE_URL")
    if not url:
        raise Failed("PORTTRACK_TEST_DATABASE_URL is not set (scripts/check-deploy.sh starts PostgreSQL and sets it)")
    problems = preflight_test.run(RENDERS["prod-argo-upgrade"], url)
    fail_if(problems)
    return "broker down, database down and a failed migration stop it; a database ahead (a rollback) passes; an upgrade dumps first"


# --- image, pipeline, plain manifests ---------------------------------------------------


@check("Dockerfile: hadolint clean")
def hadolint():
    p = run(["hadolint", str(ROOT / "Dockerfile")])
    if p.returncode != 0:
        raise Failed(p.stdout + p.stderr)
    text = (ROOT / "Dockerfile").read_text()
    problems = []
    if not re.search(r"^USER \d+:\d+$", text, re.M):
        problems.append("the runtime stage does not set a numeric non-root USER")
    if text.count("FROM ") < 3 or "cargo chef cook" not in text:
        problems.append("not a multi-stage build with a cached dependency layer")
    for label in ("version", "revision", "source", "created", "title"):
        if f"org.opencontainers.image.{label}" not in text:
            problems.append(f"no OCI label org.opencontainers.image.{label}")
    fail_if(problems)
    return "no findings; multi-stage, numeric non-root user, OCI labels"


@check("shell scripts: shellcheck")
def shellcheck():
    scripts = [ROOT / "scripts" / "check-deploy.sh", ROOT / "scripts" / "deploy" / "release.sh"]
    p = run(["shellcheck", "-x", *map(str, scripts)], cwd=ROOT)
    if p.returncode != 0:
        raise Failed(p.stdout + p.stderr)
    return f"{len(scripts)} scripts clean"


@check("GitHub workflows valid (check-jsonschema --builtin-schema vendor.github-workflows)")
def workflows():
    files = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    if not files:
        raise Failed("no workflow files")
    p = run(["check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, files)])
    if p.returncode != 0:
        raise Failed(p.stdout + p.stderr)
    text = "\n".join(f.read_text() for f in files)
    problems = [f"no workflow {what}" for what, needle in (
        ("runs scripts/test.sh", "scripts/test.sh"), ("scans with Trivy", "aquasecurity/trivy-action"),
        ("fails on critical findings", "CRITICAL"), ("rolls back with helm", "helm rollback"),
        ("notifies Slack", "slack"), ("deploys staging", "staging"), ("deploys prod", "prod"))
        if needle not in text]
    fail_if(problems)
    return f"{len(files)} workflow(s) valid"


@check("k8s/ in step with the chart; kubectl kustomize of each overlay equals that environment's render")
def k8s_in_step():
    from io import StringIO
    import contextlib
    err = StringIO()
    with contextlib.redirect_stderr(err):
        rc = gen_k8s.check()
    if rc != 0:
        raise Failed(err.getvalue()[-6000:])
    topics = gen_k8s.proto_topics()
    static = yaml.safe_load_all((ROOT / "k8s" / "kafka" / "base" / "topics.yaml").read_text())
    by_name = {t["metadata"]["name"]: t for t in static if t}
    problems = [f"topic {t} has no KafkaTopic" for t in topics if t not in by_name]
    if by_name.get("porttrack.ais.static.v1", {}).get("spec", {}).get("config", {}).get("cleanup.policy") != "compact":
        problems.append("the static-data topic is not compacted")
    fail_if(problems)
    return f"{len(topics)} topics from proto as KafkaTopics; base + {len(chart.ENVIRONMENTS)} overlays"

