"""Runs the canary analysis queries, exactly as rendered, in Prometheus' own
engine (`promtool test rules`) against synthetic series, and checks what
the canary controller would be given:

  - a canary with traffic: the server-fault share, not counting client codes
    (NotFound) or the kubelet's health checks;
  - a canary with no series yet: an empty result (Argo: inconclusive;
    Flagger: "no values found", a failed check), never 0;
  - a canary whose traffic stopped: NaN (inconclusive), never 0;
  - Flagger's pod-name matcher picks the canary's pods, not the primary's;
  - p99 leaves long-lived streams out.
"""

from __future__ import annotations

import pathlib
import subprocess

import yaml

from chart import Rendered

NS = "porttrack-prod"
SVC = "porttrack.ships.v1.ShipsService"


def _argo_query(r: Rendered, metric: str, hash_: str) -> str:
    t = r.find("AnalysisTemplate", f"porttrack-{metric}")
    q = t["spec"]["metrics"][0]["provider"]["prometheus"]["query"]
    return q.replace("{{args.namespace}}", NS).replace("{{args.canary-hash}}", hash_)


def _flagger_query(r: Rendered, metric: str, target: str) -> str:
    t = r.find("MetricTemplate", f"porttrack-{metric}")
    q = t["spec"]["query"]
    return q.replace("{{ namespace }}", NS).replace("{{ target }}", target).replace("{{ interval }}", "1m")


def _grpc(labels: str, code: str, per_min: int, service: str = SVC, method: str = "ListVessels") -> dict:
    return {"series": f'grpc_server_handled_total{{namespace="{NS}",{labels},grpc_service="{service}",'
                      f'grpc_method="{method}",grpc_code="{code}"}}',
            "values": f"0+{per_min // 4}x20"}  # 15 s samples


def _http(labels: str, status_class: str, per_min: int) -> dict:
    return {"series": f'http_server_requests_total{{namespace="{NS}",{labels},method="GET",route="/v1/vessels",'
                      f'status_class="{status_class}"}}',
            "values": f"0+{per_min // 4}x20"}


def _buckets(labels: str, method: str, fast: bool, per_min: int) -> list[dict]:
    """All observations under 0.1 s (fast) or over 10 s (a stream)."""
    out = []
    for le in ("0.05", "0.1", "10", "+Inf"):
        hit = (le in ("0.1", "10", "+Inf")) if fast else (le == "+Inf")
        rate = per_min // 4 if hit else 0
        out.append({"series": f'grpc_server_handling_seconds_bucket{{namespace="{NS}",{labels},grpc_service="{SVC}",'
                              f'grpc_method="{method}",le="{le}"}}',
                    "values": f"0+{rate}x20"})
    return out


def _scenario(label_of: dict[str, str]) -> list[dict]:
    """Series for pods: busy (traffic, some errors), idle (no series), stopped (zero rate)."""
    busy, stopped = label_of["busy"], label_of["stopped"]
    series = [
        _grpc(busy, "OK", 880), _grpc(busy, "NotFound", 60), _grpc(busy, "Internal", 40), _grpc(busy, "Unavailable", 20),
        # kubelet probes: many, all OK; must not dilute the ratio
        _grpc(busy, "OK", 4000, service="grpc.health.v1.Health", method="Check"),
        _http(busy, "2xx", 760), _http(busy, "4xx", 200), _http(busy, "5xx", 40),
        *_buckets(busy, "ListVessels", fast=True, per_min=400),
        *_buckets(busy, "StreamPositions", fast=False, per_min=400),
        {"series": f'grpc_server_handled_total{{namespace="{NS}",{stopped},grpc_service="{SVC}",grpc_method="ListVessels",grpc_code="OK"}}',
         "values": "100x20"},
    ]
    if "primary" in label_of:
        # Flagger's primary, failing hard: must not leak into the canary's numbers.
        series.append(_grpc(label_of["primary"], "Internal", 4000))
    return series


def _near(expr: str, value: float) -> str:
    """1 when expr is within 0.1 % of value (promtool compares floats exactly)."""
    lo, hi = value * 0.999, value * 1.001
    return f"(({expr}) > bool {lo}) * (({expr}) < bool {hi})"


def _is_nan(expr: str) -> str:
    """1 for NaN (the only value unequal to itself), 0 for any number."""
    return f"({expr}) != bool ({expr})"


def _cases(query_for) -> list[dict]:
    # grpc: (40 + 20) / (880 + 60 + 40 + 20) = 0.06; http: 40 / 1000 = 0.04;
    # p99 of a 0.05..0.1 bucket: 0.05 + 0.05 * 0.99 = 0.0995.
    one = [{"labels": "{}", "value": 1}]
    return [
        {"expr": _near(query_for("grpc-errors", "busy"), 0.06), "eval_time": "4m", "exp_samples": one},
        {"expr": _near(query_for("http-errors", "busy"), 0.04), "eval_time": "4m", "exp_samples": one},
        {"expr": _near(query_for("grpc-latency", "busy"), 0.0995), "eval_time": "4m", "exp_samples": one},
        {"expr": query_for("grpc-errors", "idle"), "eval_time": "4m", "exp_samples": []},
        {"expr": query_for("http-errors", "idle"), "eval_time": "4m", "exp_samples": []},
        {"expr": query_for("grpc-latency", "idle"), "eval_time": "4m", "exp_samples": []},
        {"expr": query_for("http-latency", "idle"), "eval_time": "4m", "exp_samples": []},
        {"expr": _is_nan(query_for("grpc-errors", "stopped")), "eval_time": "4m", "exp_samples": one},
    ]


def promtool_tests(argo: Rendered, flagger: Rendered) -> dict:
    argo_labels = {k: f'rollouts_pod_template_hash="{k}"' for k in ("busy", "idle", "stopped")}
    flagger_targets = {"busy": "porttrack-ships", "idle": "porttrack-routes", "stopped": "porttrack-cargo"}
    flagger_labels = {
        "busy": 'pod="porttrack-ships-6d5f8b7c9d-x2k4p"',
        "stopped": 'pod="porttrack-cargo-7c9d6d5f8b-q8m2z"',
        "primary": 'pod="porttrack-ships-primary-5f8b7c9d6d-m3n7r"',
    }
    return {
        "rule_files": ["empty-rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [
            {"name": "argo analysis queries", "interval": "15s", "input_series": _scenario(argo_labels),
             "promql_expr_test": _cases(lambda m, who: _argo_query(argo, m, who))},
            {"name": "flagger metric templates", "interval": "15s", "input_series": _scenario(flagger_labels),
             "promql_expr_test": _cases(lambda m, who: _flagger_query(flagger, m, flagger_targets[who]))},
        ],
    }


def run(argo: Rendered, flagger: Rendered, workdir: pathlib.Path, promtool: str) -> tuple[bool, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "empty-rules.yaml").write_text("groups: []\n")
    test = workdir / "analysis-test.yaml"
    test.write_text(yaml.safe_dump(promtool_tests(argo, flagger), sort_keys=False, width=1000))
    p = subprocess.run([promtool, "test", "rules", test.name], cwd=workdir, capture_output=True, text=True)
    return p.returncode == 0, (p.stdout + p.stderr).strip()
