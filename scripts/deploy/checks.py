"""Every deployment check, run by scripts/check-deploy.sh inside its venv.

Each check prints PASS or FAIL with its reasons; the last line is
"N passed, N failed" and the exit status is 1 when anything failed.
`--only SUBSTRING` runs the checks whose name contains it.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import helm_python
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import analysis  # noqa: E402
import chart  # noqa: E402
import gen_k8s  # noqa: E402
import gen_schema  # noqa: E402
import policy  # noqa: E402
import preflight_test  # noqa: E402
import schema_cases  # noqa: E402

ROOT = chart.ROOT
OUT = pathlib.Path(os.environ.get("PORTTRACK_DEPLOY_OUT", ROOT / "target" / "deploy"))
SCHEMAS = ROOT / "tests" / "k8s-schemas"
CRD_SCHEMAS = {
    ("argoproj.io/v1alpha1", "Rollout"): "rollout-argoproj-v1alpha1.json",
    ("argoproj.io/v1alpha1", "AnalysisTemplate"): "analysistemplate-argoproj-v1alpha1.json",
    ("flagger.app/v1beta1", "Canary"): "canary-flagger-v1beta1.json",
    ("flagger.app/v1beta1", "MetricTemplate"): "metrictemplate-flagger-v1beta1.json",
}
BUILTIN_GROUPS = {"", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io"}

CHECKS: list[tuple[str, object]] = []
RENDERS: dict[str, chart.Rendered] = {}


def check(name: str):
    def register(fn):
        CHECKS.append((name, fn))
        return fn
    return register


class Failed(Exception):
    """A check's verdict, with every reason."""


def fail_if(problems: list[str], what: str = "") -> None:
    if problems:
        head = f"{what}: " if what else ""
        raise Failed(head + f"{len(problems)} problem(s)\n  - " + "\n  - ".join(problems[:40]))


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def group_of(obj: dict) -> str:
    api = obj["apiVersion"]
    return api.rpartition("/")[0]


def write_objects(objs: list[dict], directory: pathlib.Path) -> list[pathlib.Path]:
    """One object per file; identical objects (across renders) are written once."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for o in objs:
        text = yaml.safe_dump(o, sort_keys=False)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        if digest not in paths:
            p = directory / f'{o["kind"].lower()}-{o["metadata"]["name"]}-{digest}.yaml'
            p.write_text(text)
            paths[digest] = p
    return sorted(paths.values())


# --- the chart -------------------------------------------------------------------


@check("values.schema.json is generated from scripts/deploy/gen_schema.py")
def schema_in_step():
    committed = gen_schema.OUT.read_text()
    if committed != gen_schema.render():
        raise Failed("helm/porttrack/values.schema.json differs from gen_schema.py's output; run "
                     "python3 scripts/deploy/gen_schema.py")
    return "in step"


@check("migration numbers the chart knows match crates/<service>/migrations")
def migrations_in_step():
    text = (chart.CHART / "templates" / "_helpers.tpl").read_text()
    facts = yaml.safe_load(text.split('{{- define "porttrack.facts" -}}')[1].split("{{- end }}")[0])
    problems = []
    for svc, f in facts.items():
        found = sorted(p.name.split("_")[0] for p in (ROOT / "crates" / svc / "migrations").glob("*.sql")) \
            if (ROOT / "crates" / svc / "migrations").is_dir() else []
        if f["database"] != bool(found):
            problems.append(f"{svc}: chart says database={f['database']}, crates/{svc}/migrations has {len(found)} file(s)")
        elif found and str(f["migration"]) != found[-1]:
            problems.append(f"{svc}: chart knows migration {f['migration']}, newest is {found[-1]}")
    fail_if(problems)
    return f"{len(facts)} services"


@check("helm lint --strict (kube 1.30) for every values file and canary mode")
def lint():
    problems = []
    cases = 0
    for env in chart.ENVIRONMENTS:
        for mode in chart.CANARY_MODES:
            values = chart.merge(chart.env_values(env), {"canary": {"mode": mode}})
            report = helm_python.lint(str(chart.CHART), values, strict=True, kube_version=chart.KUBE_VERSION,
                                      namespace="porttrack")
            cases += 1
            for m in report.get("messages", []):
                if m.get("severity", 0) >= 1:  # strict: info and up are findings
                    problems.append(f"{env}/{mode}: {m.get('path')}: {m.get('error')}")
            problems += [f"{env}/{mode}: {e}" for e in report.get("errors") or []]
    fail_if(problems)
    return f"{cases} lints, no findings"


@check("render every values file x every canary mode (and every traffic provider)")
def render_matrix():
    c = chart.load()
    for case, values in chart.matrix():
        env = case.split("-")[0]
        RENDERS[case] = chart.render(values, case, chart=c, namespace=f"porttrack-{env}")
        RENDERS[case + "-upgrade"] = chart.render(values, case, chart=c, namespace=f"porttrack-{env}", upgrade=True)
    out = OUT / "rendered"
    shutil.rmtree(out, ignore_errors=True)
    for case, r in RENDERS.items():
        (out / case).mkdir(parents=True)
        (out / case / "all.yaml").write_text(chart.dump(r.objects))
        (out / case / "NOTES.txt").write_text(r.notes)
        if not r.notes.strip():
            raise Failed(f"{case}: NOTES.txt renders empty")
    objs = sum(len(r.objects) for r in RENDERS.values())
    return f"{len(RENDERS)} renders ({len(RENDERS) // 2} cases, install and upgrade), {objs} objects, in {out.relative_to(ROOT)}"


@check("built-in objects valid for Kubernetes 1.30 (kubernetes-validate --strict)")
def kubernetes_validate():
    need_renders()
    objs = [o for r in RENDERS.values() for o in r.objects if group_of(o) in BUILTIN_GROUPS]
    files = write_objects(objs, OUT / "validate" / "builtin")
    p = run(["kubernetes-validate", "-k", "1.30.0", "--strict", "--quiet", *map(str, files)])
    if p.returncode != 0:
        raise Failed((p.stdout + p.stderr)[-6000:])
    kinds = sorted({o["kind"] for o in objs})
    others = sorted({o["kind"] for r in RENDERS.values() for o in r.objects if group_of(o) not in BUILTIN_GROUPS})
    return f"{len(files)} distinct objects of {len(kinds)} kinds (custom kinds, checked below: {', '.join(others)})"


@check("Rollout, AnalysisTemplate, Canary, MetricTemplate valid against their CRD schemas (check-jsonschema)")
def crd_schemas():
    need_renders()
    counts = {}
    for (api, kind), schema in CRD_SCHEMAS.items():
        objs = [o for r in RENDERS.values() for o in r.objects if o["apiVersion"] == api and o["kind"] == kind]
        if not objs:
            raise Failed(f"no {kind} rendered in any case: the canary modes are not exercised")
        files = write_objects(objs, OUT / "validate" / kind.lower())
        p = run(["check-jsonschema", "--schemafile", str(SCHEMAS / schema), *map(str, files)])
        if p.returncode != 0:
            raise Failed(f"{kind}:\n" + (p.stdout + p.stderr)[-6000:])
        counts[kind] = len(files)
    return ", ".join(f"{n} {k}" for k, n in counts.items())


@check("HTTPRoute, GRPCRoute, ServiceMonitor, PrometheusRule valid against their CRD schemas (npm @kubernetes-models)")
def gateway_and_monitoring_schemas():
    need_renders()
    modules = pathlib.Path(os.environ.get("PORTTRACK_DEPLOY_NODE_MODULES", ROOT / "target" / "deploy-tools" / "node" / "node_modules"))
    if not modules.is_dir():
        raise Failed(f"{modules} missing: scripts/check-deploy.sh installs the schema packages")
    kinds = {"HTTPRoute", "GRPCRoute", "ServiceMonitor", "PodMonitor", "PrometheusRule"}
    seen, objs = set(), []
    for r in RENDERS.values():
        for o in r.objects:
            if o["kind"] in kinds:
                text = json.dumps(o, sort_keys=True)
                if text not in seen:
                    seen.add(text)
                    objs.append(o)
    with tempfile.TemporaryDirectory() as tmp:  # the fixtures' PrometheusRules too
        copy_ = pathlib.Path(tmp) / "porttrack"
        shutil.copytree(chart.CHART, copy_)
        for f in (pathlib.Path(__file__).parent / "fixtures").glob("*.yaml"):
            shutil.copy(f, copy_ / "files" / "rules" / f.name)
        objs += chart.render(chart.env_values("prod"), "fixtures", chart=chart.load(copy_)).kinds("PrometheusRule")
    script = pathlib.Path(__file__).parent / "validate-crds.mjs"
    env = dict(os.environ, NODE_PATH=str(modules))
    # ESM resolves packages from the script's directory upwards: run a copy beside node_modules.
    runner = modules.parent / "validate-crds.mjs"
    runner.write_text(script.read_text())
    p = run(["node", str(runner)], input=json.dumps(objs), env=env)
    if p.returncode != 0:
        raise Failed((p.stdout + p.stderr)[-5000:])
    return f"{len(objs)} distinct objects: {p.stdout.strip().splitlines()[-1]} (types, patterns, required fields)"


def need_renders():
    if not RENDERS:
        render_matrix()


def _policy_check(name: str, fn):
    @check(f"policy: {name}")
    def run_policy():
        need_renders()
        problems = []
        for case, r in RENDERS.items():
            problems += [f"{case}: {p}" for p in fn(r)]
        fail_if(problems)
        return f"holds in {len(RENDERS)} renders"


for _name, _fn in policy.POLICIES.items():
    _policy_check(_name, _fn)


@check("every policy check fails on a manifest broken for it")
def policies_can_fail():
    need_renders()
    problems = []
    for name, fn in policy.POLICIES.items():
        for case in ("prod-argo", "prod-flagger", "dev-none"):
            if name.startswith("canary") and case == "dev-none":
                continue
            if fn(policy.broken(RENDERS[case], name)) == []:
                problems.append(f"{name!r} did not notice its mutation in {case}")
    fail_if(problems)
    return f"{len(policy.POLICIES)} policies each caught their mutation"


@check("values.schema.json and template guards reject bad values")
def bad_values_rejected():
    c = chart.load()
    problems, n = [], 0
    for label, values, where in schema_cases.BAD:
        n += 1
        try:
            if where == "schema":
                c.validate_schema(values)
            else:
                c.render(values, name=chart.RELEASE, namespace="porttrack", is_install=True)
            problems.append(f"accepted: {label}")
        except helm_python.HelmError as e:
            if where == "schema" and "schema" not in str(e) and "at '" not in str(e):
                problems.append(f"{label}: rejected, but not by the schema: {e}")
    for label, values in schema_cases.GOOD:
        n += 1
        try:
            c.validate_schema(values)
            c.render(values, name=chart.RELEASE, namespace="porttrack", is_install=True)
        except helm_python.HelmError as e:
            problems.append(f"refused a good value ({label}): {str(e)[:300]}")
    fail_if(problems)
    return f"{len(schema_cases.BAD)} bad values rejected, {len(schema_cases.GOOD)} good ones accepted"


# --- observability files the chart wraps -----------------------------------------


@check("dashboards and rules: zero files render nothing, many render one object each; promtool check rules")
def observability_files():
    import tempfile
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
    return "broker down, database down, failed migration and database ahead stop it; an upgrade dumps first"


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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    passed, failed = 0, []
    for name, fn in CHECKS:
        if args.only and args.only not in name:
            continue
        started = time.monotonic()
        try:
            detail = fn()
            passed += 1
            print(f"PASS  {name} ({time.monotonic() - started:.1f}s): {detail}", flush=True)
        except Failed as e:
            failed.append(name)
            print(f"FAIL  {name} ({time.monotonic() - started:.1f}s): {e}", flush=True)
        except (Exception, SystemExit):  # a crashing check is a failing check
            failed.append(name)
            print(f"FAIL  {name}: crashed\n{traceback.format_exc()}", flush=True)
    print()
    for name in failed:
        print(f"FAILED: {name}")
    print(f"deploy-checks: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
