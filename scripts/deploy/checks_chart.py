"""Checks of the chart itself: schema and migrations in step, lint, the
render matrix, Kubernetes and CRD schemas, policies, bad values."""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import tempfile

import helm_python
import yaml

import chart
import gen_schema
import policy
import schema_cases
from registry import (BUILTIN_GROUPS, CRD_SCHEMAS, OUT, RENDERS, ROOT, SCHEMAS, Failed, check, fail_if,
                      group_of, need_renders, run, write_objects)

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


@check("every setting, subcommand, path and gRPC method the chart uses exists in the code")
def settings_match_the_binary():
    need_renders()
    sources = "\n".join(p.read_text() for p in (ROOT / "crates").glob("*/src/**/*.rs"))
    known = set(re.findall(r'env = "(PORTTRACK_[A-Z0-9_]+)"', sources))
    cli = (ROOT / "crates" / "porttrack" / "src" / "lib.rs").read_text()
    enum = cli[cli.index("pub enum Command {"):]
    enum = enum[:enum.index("\n}")]
    commands = {m.lower() for m in re.findall(r"^    ([A-Z][a-z]+)[({]", enum, re.M)}
    problems, used = set(), set()
    for case, r in RENDERS.items():
        for cm in r.kinds("ConfigMap"):
            used |= {k for k in (cm.get("data") or {}) if k.startswith("PORTTRACK_")}
        for w in r.kinds("Deployment", "Rollout"):
            c = w["spec"]["template"]["spec"]["containers"][0]
            used |= {e["name"] for e in c.get("env", []) if e["name"].startswith("PORTTRACK_")}
            if c["args"][0] not in commands:
                problems.add(f"{case}: {w['kind']}/{w['metadata']['name']} runs `porttrack {c['args'][0]}`, "
                             f"not a subcommand ({sorted(commands)})")
    problems |= {f"{name} is set by the chart but read nowhere in crates/" for name in sorted(used - known)}
    # Probe and scrape paths are routes the platform serves.
    platform = ROOT / "crates" / "platform" / "src"
    server_code = [platform / "server.rs", *sorted((platform / "server").glob("*.rs"))]
    served = {m for f in server_code for m in re.findall(r'\.route\(\s*"(/[^"]+)"', f.read_text())}
    for case, r in RENDERS.items():
        for w in r.kinds("Deployment", "Rollout"):
            c = w["spec"]["template"]["spec"]["containers"][0]
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                path = (c.get(probe) or {}).get("httpGet", {}).get("path")
                if path and path not in served:
                    problems.add(f"{case}: {probe} asks {path}, which the platform does not serve ({sorted(served)})")
        for sm in r.kinds("ServiceMonitor"):
            for ep in sm["spec"]["endpoints"]:
                if ep.get("path", "/metrics") not in served:
                    problems.add(f"{case}: ServiceMonitor scrapes {ep.get('path')}, not served")
    # `helm test` queries routes and methods that exist.
    text = (chart.CHART / "templates" / "_helpers.tpl").read_text()
    facts = yaml.safe_load(text.split('{{- define "porttrack.facts" -}}')[1].split("{{- end }}")[0])
    for svc, f in facts.items():
        routes = "\n".join(p.read_text() for p in (ROOT / "crates" / svc / "src").rglob("*.rs"))
        if f["restQuery"] and not re.search(r'\.route\(\s*"' + re.escape(f["restQuery"].split("?")[0]) + '"', routes):
            problems.add(f"helm test asks {svc} for {f['restQuery']}, which it does not route")
        protos = "\n".join(p.read_text() for p in (ROOT / "proto").rglob("*.proto"))
        package, _, service = f["grpcService"].rpartition(".")
        if f"package {package};" not in protos or f"service {service} {{" not in protos:
            problems.add(f"{svc}: gRPC service {f['grpcService']} is not in proto/")
        if f["grpcQuery"] and f"rpc {f['grpcQuery']}(" not in protos:
            problems.add(f"helm test calls {f['grpcService']}/{f['grpcQuery']}, not in proto/")
    fail_if(sorted(problems))
    return (f"{len(used)} PORTTRACK_* settings used, all read by the binary; subcommands {sorted(commands)}; "
            f"probe, scrape and `helm test` paths and methods exist")


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
            # dev-none renders no Rollout or Canary: nothing to break.
            if ("canary" in name) and case == "dev-none":
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

