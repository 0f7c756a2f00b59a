"""Renders the PortTrack chart with Helm's own engine (helm-python-sdk, which
bundles Helm's Go SDK: no helm binary) and splits the output into objects.

Shared by the checks (checks.py) and the plain-manifest generator
(gen_k8s.py), so both see exactly what `helm install` would apply.
"""

from __future__ import annotations

import copy
import pathlib
from dataclasses import dataclass, field

import helm_python
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "porttrack"
VALUES_DIR = ROOT / "helm" / "values"
ENVIRONMENTS = ("dev", "test", "staging", "prod")
CANARY_MODES = ("none", "argo", "flagger")
TRAFFIC_PROVIDERS = ("none", "gatewayapi", "nginx")
RELEASE = "porttrack"
KUBE_VERSION = "v1.30.0"


@dataclass
class Rendered:
    """One render: its objects (hooks included) and NOTES.txt."""

    case: str
    values: dict
    objects: list[dict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: str = ""

    def kinds(self, *kinds: str) -> list[dict]:
        return [o for o in self.objects if o.get("kind") in kinds]

    def find(self, kind: str, name: str) -> dict | None:
        for o in self.objects:
            if o.get("kind") == kind and o["metadata"]["name"] == name:
                return o
        return None


def env_values(env: str) -> dict:
    return yaml.safe_load((VALUES_DIR / f"{env}.yaml").read_text()) or {}


def merge(base: dict, override: dict) -> dict:
    """Deep merge as Helm coalesces -f files and --set (maps merge, rest replaces)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load(chart_dir: pathlib.Path = CHART) -> helm_python.Chart:
    return helm_python.Chart.load(str(chart_dir))


def render(
    values: dict,
    case: str,
    *,
    chart: helm_python.Chart | None = None,
    namespace: str = "porttrack",
    upgrade: bool = False,
) -> Rendered:
    """Validates `values` against values.schema.json and renders every template."""
    chart = chart or load()
    chart.validate_schema(values)
    out = chart.render(
        values,
        name=RELEASE,
        namespace=namespace,
        revision=2 if upgrade else 1,
        is_install=not upgrade,
        is_upgrade=upgrade,
    )
    result = Rendered(case=case, values=values)
    for source, text in sorted(out.items()):
        if source.endswith("NOTES.txt"):
            result.notes = text
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                result.objects.append(doc)
                result.sources.append(source)
    return result


def matrix() -> list[tuple[str, dict]]:
    """Every environment × every canary mode, each with its own traffic
    provider; plus every traffic provider under each canary mode (on prod)."""
    cases = []
    for env in ENVIRONMENTS:
        base = env_values(env)
        for mode in CANARY_MODES:
            cases.append((f"{env}-{mode}", merge(base, {"canary": {"mode": mode}})))
    prod = env_values("prod")
    for mode in CANARY_MODES:
        for provider in TRAFFIC_PROVIDERS:
            if provider == prod["traffic"]["provider"]:
                continue  # already covered above
            cases.append(
                (f"prod-{mode}-{provider}", merge(prod, {"canary": {"mode": mode}, "traffic": {"provider": provider}}))
            )
    return cases


def is_hook(obj: dict) -> bool:
    return "helm.sh/hook" in (obj.get("metadata", {}).get("annotations") or {})


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (scripts, queries, patches) as readable `|` blocks."""


def _str(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data and not any(c in data for c in "\t\r") else None
    if style and any(line != line.rstrip() for line in data.splitlines()):
        style = None  # trailing blanks cannot be kept in a block scalar
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)


def dump(objs: list[dict]) -> str:
    return yaml.dump_all(objs, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1000)


def dump_one(obj) -> str:
    return yaml.dump(obj, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1000)
