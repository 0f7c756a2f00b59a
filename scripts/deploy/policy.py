"""Policy checks over rendered manifests. Each takes one render and returns
a list of problems (empty: it holds). `MUTATIONS` breaks a good render in one
way per policy; checks.py proves every policy reports its mutation, so no
policy here can pass by construction.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Callable

from chart import Rendered

WORKLOADS = ("Deployment", "Rollout")
POD_OWNERS = ("Deployment", "Rollout", "Job", "Pod")
SERVICES = ("ingest", "ships", "routes", "cargo", "staff")
CLIENT_CODES = ("OK", "Canceled", "Cancelled", "InvalidArgument", "NotFound", "AlreadyExists",
                "PermissionDenied", "Unauthenticated", "FailedPrecondition", "OutOfRange")
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|DATABASE_URL|CREDENTIALS?)", re.I)
URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@\"']+:[^@\s/\"']+@")
PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
PROTO = Path(__file__).resolve().parents[2] / "proto" / "porttrack"


def pod_spec(obj: dict) -> dict | None:
    if obj["kind"] == "Pod":
        return obj["spec"]
    if obj["kind"] in ("Deployment", "Rollout", "Job"):
        return obj["spec"]["template"]["spec"]
    return None


def containers(obj: dict, init: bool = True) -> list[dict]:
    spec = pod_spec(obj) or {}
    return list(spec.get("containers", [])) + (list(spec.get("initContainers", [])) if init else [])


def ident(obj: dict) -> str:
    return f'{obj["kind"]}/{obj["metadata"]["name"]}'


def mode(r: Rendered) -> str:
    return (r.values.get("canary") or {}).get("mode", "none")


def walk_strings(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk_strings(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk_strings(v, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


# --- policies ------------------------------------------------------------------


def non_root_read_only(r: Rendered) -> list[str]:
    out = []
    for obj in r.kinds(*POD_OWNERS):
        spec = pod_spec(obj)
        pod_sc = spec.get("securityContext") or {}
        for c in containers(obj):
            sc = c.get("securityContext") or {}
            where = f'{ident(obj)} container {c["name"]}'
            if not (sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is True):
                out.append(f"{where}: runAsNonRoot is not true")
            if sc.get("runAsUser", pod_sc.get("runAsUser")) == 0:
                out.append(f"{where}: runs as UID 0")
            if sc.get("readOnlyRootFilesystem") is not True:
                out.append(f"{where}: root filesystem is writable")
            if sc.get("allowPrivilegeEscalation") is not False:
                out.append(f"{where}: allowPrivilegeEscalation is not false")
            if sc.get("privileged") is True:
                out.append(f"{where}: privileged")
            if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
                out.append(f"{where}: capabilities not dropped")
            if (sc.get("capabilities") or {}).get("add"):
                out.append(f"{where}: adds capabilities")
    return out


def matches(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def pdb_for_every_workload(r: Rendered) -> list[str]:
    out = []
    pdbs = [p["spec"]["selector"]["matchLabels"] for p in r.kinds("PodDisruptionBudget")]
    for w in r.kinds(*WORKLOADS):
        labels = dict(w["spec"]["template"]["metadata"]["labels"])
        if not any(matches(sel, labels) for sel in pdbs):
            out.append(f"{ident(w)}: no PodDisruptionBudget selects its pods")
        if mode(r) == "flagger":
            # Flagger's copy runs with name <name>-primary and serves the traffic.
            primary = {**labels, "app.kubernetes.io/name": labels["app.kubernetes.io/name"] + "-primary"}
            if not any(matches(sel, primary) for sel in pdbs):
                out.append(f"{ident(w)}: no PodDisruptionBudget selects Flagger's primary pods")
    if not r.kinds(*WORKLOADS):
        out.append("no workloads rendered")
    return out


def probes_on_every_workload(r: Rendered) -> list[str]:
    out = []
    for w in r.kinds(*WORKLOADS):
        for c in containers(w, init=False):
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                if not c.get(probe):
                    out.append(f'{ident(w)} container {c["name"]}: no {probe}')
            readiness = c.get("readinessProbe") or {}
            # Over TLS kubelet cannot make a gRPC probe; /health/ready over
            # HTTPS reports the same serving state.
            https_ready = readiness.get("httpGet", {}) == {"path": "/health/ready", "port": "http", "scheme": "HTTPS"}
            if "grpc" not in readiness and not https_ready:
                out.append(f'{ident(w)}: readiness does not ask the gRPC health service (or /health/ready over TLS)')
    return out


def no_secret_values(r: Rendered) -> list[str]:
    out = [f"{ident(o)}: the chart must not render Secrets" for o in r.kinds("Secret")]
    for obj in r.objects:
        for path, s in walk_strings(obj):
            if URL_WITH_PASSWORD.search(s):
                out.append(f"{ident(obj)}{path}: a URL with a password")
            if PEM.search(s):
                out.append(f"{ident(obj)}{path}: a private key")
        if obj["kind"] == "ConfigMap":
            for k in (obj.get("data") or {}):
                if SECRET_NAME.search(k):
                    out.append(f"{ident(obj)}: secret-like key {k} in a ConfigMap")
        for c in containers(obj) if obj["kind"] in POD_OWNERS else []:
            for e in c.get("env") or []:
                if SECRET_NAME.search(e["name"]) and "value" in e:
                    out.append(f'{ident(obj)} container {c["name"]}: {e["name"]} has a literal value')
    return out


def pinned_images(r: Rendered) -> list[str]:
    out = []
    for obj in r.kinds(*POD_OWNERS):
        for c in containers(obj):
            image = c.get("image", "")
            name, _, digest = image.partition("@")
            last = name.rsplit("/", 1)[-1]
            tag = last.partition(":")[2]
            if not digest and not tag:
                out.append(f'{ident(obj)} container {c["name"]}: image {image!r} has no tag')
            if tag == "latest":
                out.append(f'{ident(obj)} container {c["name"]}: image tag "latest"')
    return out


def _seconds(raw: str) -> float:
    m = re.fullmatch(r"(\d+)(ms|s|m)?", raw)
    n = int(m.group(1))
    return {"ms": n / 1000, "s": n, None: n, "m": n * 60}[m.group(2)]


def drain_fits_grace_period(r: Rendered) -> list[str]:
    out = []
    for w in r.kinds(*WORKLOADS):
        spec = pod_spec(w)
        c = containers(w, init=False)[0]
        cm_name = c["envFrom"][0]["configMapRef"]["name"]
        cm = r.find("ConfigMap", cm_name)
        if cm is None:
            out.append(f"{ident(w)}: its ConfigMap {cm_name} is not rendered")
            continue
        drain = _seconds(cm["data"]["PORTTRACK_DRAIN_DELAY"])
        grace = _seconds(cm["data"]["PORTTRACK_SHUTDOWN_GRACE"])
        pre = (((c.get("lifecycle") or {}).get("preStop") or {}).get("sleep") or {}).get("seconds")
        if pre is None:
            out.append(f"{ident(w)}: no preStop sleep")
            pre = 0
        total = spec.get("terminationGracePeriodSeconds", 30)
        if total <= pre + drain + grace:
            out.append(f"{ident(w)}: terminationGracePeriodSeconds {total} <= preStop {pre} + drain {drain} + grace {grace}")
    return out


def rolling_without_unavailability(r: Rendered) -> list[str]:
    out = []
    for w in r.kinds("Deployment"):
        ru = (w["spec"].get("strategy") or {}).get("rollingUpdate") or {}
        if ru.get("maxUnavailable") != 0:
            out.append(f"{ident(w)}: maxUnavailable is {ru.get('maxUnavailable')!r}, not 0")
    for w in r.kinds("Rollout"):
        if w["spec"]["strategy"]["canary"].get("maxUnavailable") != 0:
            out.append(f"{ident(w)}: canary maxUnavailable is not 0")
    return out


def selectors_name_instance(r: Rendered) -> list[str]:
    want = {"app.kubernetes.io/name"} if mode(r) == "flagger" else {"app.kubernetes.io/name", "app.kubernetes.io/instance"}
    out = []
    for w in r.kinds(*WORKLOADS):
        sel = w["spec"]["selector"]
        if set(sel.get("matchLabels", {})) != want or sel.get("matchExpressions"):
            out.append(f"{ident(w)}: selector {sorted(sel.get('matchLabels', {}))}, want {sorted(want)}")
        if mode(r) == "flagger" and sel["matchLabels"]["app.kubernetes.io/name"] != w["metadata"]["name"]:
            out.append(f"{ident(w)}: Flagger needs app.kubernetes.io/name equal to the workload's name")
    for svc in r.kinds("Service"):
        if svc["metadata"]["name"].endswith(("-metrics", "-nmea")):
            continue  # these span every pod of a service on purpose
        if set(svc["spec"]["selector"]) != want:
            out.append(f"{ident(svc)}: selector {sorted(svc['spec']['selector'])}, want {sorted(want)}")
    return out


def recommended_labels(r: Rendered) -> list[str]:
    need = ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
            "app.kubernetes.io/managed-by", "app.kubernetes.io/part-of", "helm.sh/chart")
    out = []
    for obj in r.objects:
        labels = obj["metadata"].get("labels") or {}
        missing = [k for k in need if k not in labels]
        if missing:
            out.append(f"{ident(obj)}: missing labels {missing}")
    return out


def every_service_complete(r: Rendered) -> list[str]:
    """Each enabled service has its workload, ports, ConfigMap, NetworkPolicy,
    ServiceMonitor, PDB and (when asked) HPA; smoke test and preflight exist."""
    out = []
    names = {w["metadata"]["name"] for w in r.kinds(*WORKLOADS)}
    values = r.values
    for svc in SERVICES:
        enabled = ((values.get("services") or {}).get(svc) or {}).get("enabled", True)
        name = f"porttrack-{svc}"
        if not enabled:
            if name in names:
                out.append(f"{svc} is disabled but rendered")
            continue
        if name not in names:
            out.append(f"{svc}: no Deployment/Rollout")
            continue
        for kind, n in (("ConfigMap", name), ("NetworkPolicy", name), ("ServiceMonitor", name),
                        ("Service", f"{name}-metrics")):
            if r.find(kind, n) is None:
                out.append(f"{svc}: no {kind} {n}")
        if mode(r) == "flagger":
            canary = r.find("Canary", name)
            if canary is None or not canary["spec"]["service"].get("portDiscovery"):
                out.append(f"{svc}: no Flagger Canary exposing every port")
        else:
            service = r.find("Service", name)
            ports = {p["name"] for p in (service or {}).get("spec", {}).get("ports", [])}
            if not {"grpc", "http", "metrics"} <= ports:
                out.append(f"{svc}: Service ports {sorted(ports)}, want grpc, http and metrics")
    for hpa in r.kinds("HorizontalPodAutoscaler"):
        if hpa["apiVersion"] != "autoscaling/v2":
            out.append(f"{ident(hpa)}: {hpa['apiVersion']}, want autoscaling/v2")
    if (values.get("defaults") or {}).get("autoscaling", {}).get("enabled") and not r.kinds("HorizontalPodAutoscaler"):
        out.append("autoscaling enabled but no HorizontalPodAutoscaler rendered")
    tests = [p for p in r.kinds("Pod") if (p["metadata"].get("annotations") or {}).get("helm.sh/hook") == "test"]
    args = " ".join(" ".join(c.get("args", []) + c.get("command", [])) for t in tests for c in containers(t))
    if "-service=porttrack." not in args or "/v1/" not in args or "ListVessels" not in args:
        out.append("helm test: no gRPC health check plus real gRPC and REST queries")
    jobs = [j for j in r.kinds("Job") if "pre-upgrade" in (j["metadata"].get("annotations") or {}).get("helm.sh/hook", "")]
    if values.get("preflight", {}).get("enabled", True):
        if not jobs:
            out.append("no pre-upgrade preflight Job")
        for j in jobs:
            if j["spec"].get("backoffLimit") != 0:
                out.append(f"{ident(j)}: backoffLimit must be 0 so one failure stops the release")
    return out


def _queries(r: Rendered) -> list[tuple[str, str]]:
    out = []
    for t in r.kinds("AnalysisTemplate"):
        for m in t["spec"]["metrics"]:
            out.append((f'{ident(t)}/{m["name"]}', m["provider"]["prometheus"]["query"]))
    for t in r.kinds("MetricTemplate"):
        out.append((ident(t), t["spec"]["query"]))
    return out


def canary_analysis(r: Rendered) -> list[str]:
    out = []
    m = mode(r)
    if m == "none":
        for kind in ("Rollout", "Canary", "AnalysisTemplate", "MetricTemplate"):
            out += [f"canary.mode none renders {ident(o)}" for o in r.kinds(kind)]
        return out
    queries = _queries(r)
    text = "\n".join(q for _, q in queries)
    for needle in ("grpc_server_handled_total", 'status_class="5xx"', "http_server_requests_total",
                   "histogram_quantile(0.99", "grpc_server_handling_seconds_bucket",
                   "http_server_request_duration_seconds_bucket"):
        if needle not in text:
            out.append(f"no analysis query uses {needle}")
    for where, q in queries:
        for code_re in re.findall(r'grpc_code=~"([^"]*)"', q):
            counted = set(code_re.split("|"))
            wrong = counted & set(CLIENT_CODES)
            if wrong:
                out.append(f"{where}: counts client codes {sorted(wrong)} as errors")
        if "grpc_server" in q and "grpc.health.v1.Health" not in q:
            out.append(f"{where}: health checks are not left out of the measurement")
    if m == "argo":
        for t in r.kinds("AnalysisTemplate"):
            for metric in t["spec"]["metrics"]:
                for cond in ("successCondition", "failureCondition"):
                    c = metric.get(cond, "")
                    if "len(result) > 0" not in c or "!isNaN(result[0])" not in c:
                        out.append(f"{ident(t)}: {cond} {c!r} does not leave no-data inconclusive")
                if not metric.get("inconclusiveLimit"):
                    out.append(f"{ident(t)}: no inconclusiveLimit")
        templates = {t["metadata"]["name"] for t in r.kinds("AnalysisTemplate")}
        for ro in r.kinds("Rollout"):
            canary = ro["spec"]["strategy"]["canary"]
            weights = [s["setWeight"] for s in canary["steps"] if "setWeight" in s]
            if weights != (r.values.get("canary") or {}).get("steps", [5, 25, 50, 100]):
                out.append(f"{ident(ro)}: weights {weights}")
            if not any("pause" in s for s in canary["steps"]):
                out.append(f"{ident(ro)}: no pauses between steps")
            refs = [t["templateName"] for t in canary.get("analysis", {}).get("templates", [])]
            if not refs or set(refs) - templates:
                out.append(f"{ident(ro)}: analysis templates {refs} (rendered: {sorted(templates)})")
    if m == "flagger":
        templates = {t["metadata"]["name"] for t in r.kinds("MetricTemplate")}
        for c in r.kinds("Canary"):
            a = c["spec"]["analysis"]
            if "stepWeights" in a and a["stepWeights"] != [5, 25, 50]:
                out.append(f"{ident(c)}: stepWeights {a['stepWeights']}")
            for metric in a["metrics"]:
                if metric["templateRef"]["name"] not in templates or "max" not in metric.get("thresholdRange", {}):
                    out.append(f"{ident(c)}: metric {metric['name']} has no template or no threshold")
            if c["spec"]["targetRef"]["name"] != c["metadata"]["name"]:
                out.append(f"{ident(c)}: targets another workload")
    return out


@functools.cache
def _rpcs(service: str) -> tuple[str, ...]:
    return tuple(m for f in sorted((PROTO / service).glob("v*/*.proto"))
                 for m in re.findall(r"^\s*rpc\s+(\w+)", f.read_text(), re.M))


def _gated_on_grpc_latency(o: dict) -> bool:
    if o["kind"] == "Rollout":
        refs = o["spec"]["strategy"]["canary"].get("analysis", {}).get("templates", [])
        return any(t["templateName"].endswith("-grpc-latency") for t in refs)
    return any(m["name"] == "grpc-latency" for m in o["spec"]["analysis"]["metrics"])


def latency_can_have_data(r: Rendered) -> list[str]:
    """A canary gated on gRPC p99 for a service whose every RPC is left out
    of the p99 waits on a measurement that can never have data: Argo pauses
    it as inconclusive, Flagger halts it. Checked against the service's
    RPCs in proto/."""
    exclude = re.compile((r.values.get("canary") or {}).get("analysis", {})
                         .get("latencyExcludeGrpcMethods", "Stream.*"))
    out = []
    for o in r.kinds("Rollout", "Canary"):
        service = o["metadata"]["labels"].get("app.kubernetes.io/component", "")
        rpcs = _rpcs(service)
        if not rpcs:
            out.append(f"{ident(o)}: no RPCs found for {service!r} under {PROTO}")
        elif _gated_on_grpc_latency(o) and all(exclude.fullmatch(m) for m in rpcs):
            out.append(f"{ident(o)}: gated on gRPC p99, but every RPC ({', '.join(rpcs)}) "
                       f"is left out of it; set services.{service}.analysis.grpcLatency: false")
    return out


POLICIES: dict[str, Callable[[Rendered], list[str]]] = {
    "non-root, read-only root, no privilege escalation": non_root_read_only,
    "every Deployment/Rollout has a PodDisruptionBudget": pdb_for_every_workload,
    "every Deployment/Rollout has startup, readiness (gRPC) and liveness probes": probes_on_every_workload,
    "no Secret value in any manifest": no_secret_values,
    "image tags pinned, never latest": pinned_images,
    "termination grace covers preStop + drain + shutdown grace": drain_fits_grace_period,
    "rolling updates never lower capacity (maxUnavailable 0)": rolling_without_unavailability,
    "selectors on name+instance (Flagger: name)": selectors_name_instance,
    "app.kubernetes.io labels on every object": recommended_labels,
    "every service complete (ports, ConfigMap, NetworkPolicy, ServiceMonitor, HPA v2, hooks)": every_service_complete,
    "canary analysis: gRPC codes, 5xx, p99, no data never passes": canary_analysis,
    "no canary waits on a gRPC p99 its service cannot produce": latency_can_have_data,
}


# --- mutations: one way to break each policy ------------------------------------


def _first(r: Rendered, *kinds: str) -> dict:
    return r.kinds(*kinds)[0]


def _mutate_sc(r):
    _first(r, *WORKLOADS)["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFilesystem"] = False


def _mutate_pdb(r):
    r.objects = [o for o in r.objects if o["kind"] != "PodDisruptionBudget"]


def _mutate_probe(r):
    del _first(r, *WORKLOADS)["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]


def _mutate_secret(r):
    c = _first(r, *WORKLOADS)["spec"]["template"]["spec"]["containers"][0]
    c["env"].append({"name": "PORTTRACK_DATABASE_URL", "value": "postgres://porttrack:hunter2@db/ships"})


def _mutate_image(r):
    _first(r, *WORKLOADS)["spec"]["template"]["spec"]["containers"][0]["image"] = "ghcr.io/porttrack/porttrack:latest"


def _mutate_grace(r):
    _first(r, *WORKLOADS)["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 10


def _mutate_unavailable(r):
    w = _first(r, *WORKLOADS)
    if w["kind"] == "Rollout":
        w["spec"]["strategy"]["canary"]["maxUnavailable"] = 1
    else:
        w["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] = 1


def _mutate_selector(r):
    _first(r, *WORKLOADS)["spec"]["selector"]["matchLabels"]["app.kubernetes.io/version"] = "v1"


def _mutate_labels(r):
    del r.objects[0]["metadata"]["labels"]["app.kubernetes.io/part-of"]


def _mutate_complete(r):
    r.objects = [o for o in r.objects if o["kind"] != "NetworkPolicy"]


def _mutate_analysis(r):
    for t in r.kinds("AnalysisTemplate"):
        for m in t["spec"]["metrics"]:
            m["successCondition"] = "result[0] <= 0.01"
    for t in r.kinds("MetricTemplate"):
        t["spec"]["query"] = t["spec"]["query"].replace("Unknown|", "NotFound|Unknown|")


def _mutate_latency(r):
    for o in r.kinds("Rollout"):
        refs = o["spec"]["strategy"]["canary"]["analysis"]["templates"]
        fullname = refs[0]["templateName"].removesuffix("-grpc-errors")
        refs.append({"templateName": f"{fullname}-grpc-latency"})
    for o in r.kinds("Canary"):
        if not any(m["name"] == "grpc-latency" for m in o["spec"]["analysis"]["metrics"]):
            o["spec"]["analysis"]["metrics"].append({"name": "grpc-latency"})


MUTATIONS = dict(zip(POLICIES, (
    _mutate_sc, _mutate_pdb, _mutate_probe, _mutate_secret, _mutate_image, _mutate_grace,
    _mutate_unavailable, _mutate_selector, _mutate_labels, _mutate_complete, _mutate_analysis,
    _mutate_latency,
)))


def broken(r: Rendered, policy: str) -> Rendered:
    copy_ = Rendered(case=r.case + "+broken", values=r.values, objects=copy.deepcopy(r.objects))
    MUTATIONS[policy](copy_)
    return copy_
