"""What every deployment check shares: the registry, the verdict type, the
renders (made once), and small helpers."""

from __future__ import annotations

import hashlib
import os
import pathlib
import subprocess

import yaml

import chart

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



def need_renders() -> None:
    """The render matrix, made by the render check or on first use."""
    if not RENDERS:
        from checks_chart import render_matrix

        render_matrix()
