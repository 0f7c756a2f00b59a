"""Writes helm/porttrack/values.schema.json.

The schema is written as Python so the shared pieces (a service block, a
peer list) are defined once; the JSON is committed and this script's output
is checked to equal it (scripts/deploy/checks.py). Run after editing:
    python3 scripts/deploy/gen_schema.py
"""

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "helm" / "porttrack" / "values.schema.json"


def obj(props, required=(), **extra):
    """A closed object: unknown keys are mistakes (typos) and are refused."""
    out = {"type": "object", "additionalProperties": False, "properties": props}
    if required:
        out["required"] = list(required)
    out.update(extra)
    return out


def open_obj(**extra):
    return {"type": "object", **extra}


STR = {"type": "string"}
BOOL = {"type": "boolean"}
NONEMPTY = {"type": "string", "minLength": 1}
DNS_LABEL = {"type": "string", "pattern": "^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$", "maxLength": 63}
DURATION = {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"}
PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
INT_OR_PERCENT = {
    "oneOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "pattern": "^[0-9]{1,3}%$"},
    ]
}
QUANTITY = {"oneOf": [{"type": "string", "pattern": "^[0-9.]+(m|k|Ki|Mi|Gi|Ti|M|G|T)?$"}, {"type": "number", "minimum": 0}]}
RESOURCES = obj(
    {
        "requests": obj({"cpu": QUANTITY, "memory": QUANTITY, "ephemeral-storage": QUANTITY}, ["cpu", "memory"]),
        "limits": obj({"cpu": QUANTITY, "memory": QUANTITY, "ephemeral-storage": QUANTITY}, ["memory"]),
    },
    ["requests", "limits"],
)
IMAGE_REF = obj({"repository": NONEMPTY, "tag": {"type": "string", "minLength": 1, "not": {"const": "latest"}}}, ["repository", "tag"])

# Settings go into a ConfigMap: only the names the binary reads, and never
# the database URL (it is a secret; database.existingSecret carries it).
SETTINGS = {
    "type": "object",
    "propertyNames": {
        "pattern": "^(PORTTRACK_[A-Z0-9_]+|RUST_[A-Z0-9_]+|OTEL_[A-Z0-9_]+)$",
        "not": {"enum": ["PORTTRACK_DATABASE_URL", "PORTTRACK_HTTP_ADDR", "PORTTRACK_GRPC_ADDR", "PORTTRACK_NMEA_ADDR"]},
    },
    "additionalProperties": {"type": ["string", "number", "boolean"]},
}

SERVICE_PROPS = {
    "replicaCount": {"type": "integer", "minimum": 1},
    "resources": RESOURCES,
    "settings": SETTINGS,
    "podAnnotations": open_obj(additionalProperties={"type": "string"}),
    "podLabels": open_obj(additionalProperties={"type": "string"}),
    "nodeSelector": open_obj(additionalProperties={"type": "string"}),
    "tolerations": {"type": "array", "items": {"type": "object"}},
    "affinity": {"type": "object"},
    "spreadOverNodes": BOOL,
    "pdb": obj({"enabled": BOOL, "maxUnavailable": INT_OR_PERCENT}, ["enabled", "maxUnavailable"]),
    "autoscaling": obj(
        {
            "enabled": BOOL,
            "minReplicas": {"type": "integer", "minimum": 1},
            "maxReplicas": {"type": "integer", "minimum": 1},
            "targetCPUUtilizationPercentage": {"type": "integer", "minimum": 1, "maximum": 100},
            "consumerLag": obj(
                {
                    "enabled": BOOL,
                    "metricName": NONEMPTY,
                    "selector": open_obj(additionalProperties={"type": "string"}),
                    "targetAverageValue": {"type": "string", "pattern": "^[0-9]+(m|k)?$"},
                }
            ),
        }
    ),
    "database": obj({"existingSecret": DNS_LABEL, "key": NONEMPTY, "sqlite": BOOL}),
    "analysis": obj({"grpc": BOOL, "grpcLatency": BOOL, "http": BOOL}),
}


def service(extra=None):
    props = {"enabled": BOOL, **SERVICE_PROPS, **(extra or {})}
    return obj(props, ["enabled"])


NMEA = obj(
    {
        "serviceType": {"enum": ["ClusterIP", "NodePort", "LoadBalancer"]},
        "annotations": open_obj(additionalProperties={"type": "string"}),
        "loadBalancerSourceRanges": {"type": "array", "items": {"type": "string", "pattern": "^[0-9a-fA-F.:]+/[0-9]+$"}},
    }
)

PEERS = {"type": "array", "items": {"type": "object"}}

SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "PortTrack chart values",
    **obj(
        {
            "global": {"type": "object"},
            "nameOverride": DNS_LABEL,
            "fullnameOverride": DNS_LABEL,
            "image": obj(
                {
                    "repository": NONEMPTY,
                    # A release tag (v1.2.3, v1.2.3-canary, v1.2.3-rc.1) or empty
                    # for the chart's appVersion; never "latest" or a floating tag.
                    "tag": {"type": "string", "pattern": "^(v[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?)?$"},
                    "digest": {"type": "string", "pattern": "^(sha256:[a-f0-9]{64})?$"},
                    "pullPolicy": {"enum": ["IfNotPresent", "Always", "Never"]},
                },
                ["repository", "tag"],
            ),
            "imagePullSecrets": {"type": "array", "items": NONEMPTY},
            "serviceAccount": obj(
                {"create": BOOL, "name": DNS_LABEL, "annotations": open_obj(additionalProperties={"type": "string"}), "automountToken": BOOL}
            ),
            "kafka": obj(
                {
                    "brokers": {"type": "string", "pattern": "^[A-Za-z0-9.-]+:[0-9]+(,[A-Za-z0-9.-]+:[0-9]+)*$"},
                    "topicPrefix": {"type": "string", "pattern": "^[A-Za-z0-9._-]*$"},
                    "partitions": {"type": "integer", "minimum": 1, "maximum": 1024},
                    "replication": {"type": "integer", "minimum": 1, "maximum": 16},
                },
                ["brokers"],
            ),
            "shutdown": obj(
                {
                    "preStopSeconds": {"type": "integer", "minimum": 0, "maximum": 120},
                    "drainDelaySeconds": {"type": "integer", "minimum": 0, "maximum": 300},
                    "graceSeconds": {"type": "integer", "minimum": 1, "maximum": 600},
                    "marginSeconds": {"type": "integer", "minimum": 1, "maximum": 60},
                },
                ["preStopSeconds", "drainDelaySeconds", "graceSeconds", "marginSeconds"],
            ),
            "logLevel": NONEMPTY,
            "tls": obj({"enabled": BOOL, "existingSecret": DNS_LABEL}, ["enabled"]),
            "auth": obj(
                {
                    "mode": {"enum": ["jwt", "off"]},
                    "issuer": {"type": "string", "pattern": "^https?://[^\\s]+$"},
                    "audience": NONEMPTY,
                    "jwksUrl": {"type": "string", "pattern": "^(https?://[^\\s]+)?$"},
                    "leewaySeconds": {"type": "integer", "minimum": 0, "maximum": 300},
                    "testTokenSecret": DNS_LABEL,
                },
                ["mode", "issuer", "audience"],
            ),
            "defaults": obj(SERVICE_PROPS, list(SERVICE_PROPS)),
            "services": obj(
                {
                    "ingest": service({"nmea": NMEA}),
                    "ships": service(),
                    "routes": service(),
                    "cargo": service(),
                    "staff": service(),
                },
                ["ingest", "ships", "routes", "cargo", "staff"],
            ),
            "podSecurityContext": obj(
                {
                    "runAsNonRoot": {"const": True},
                    "runAsUser": {"type": "integer", "minimum": 1},
                    "runAsGroup": {"type": "integer", "minimum": 1},
                    "fsGroup": {"type": "integer", "minimum": 1},
                    "seccompProfile": {"type": "object"},
                },
                ["runAsNonRoot", "runAsUser"],
            ),
            "containerSecurityContext": obj(
                {
                    "runAsNonRoot": {"const": True},
                    "readOnlyRootFilesystem": {"const": True},
                    "allowPrivilegeEscalation": {"const": False},
                    "privileged": {"const": False},
                    "capabilities": obj({"drop": {"type": "array", "contains": {"const": "ALL"}}, "add": {"type": "array", "maxItems": 0}}),
                },
                ["runAsNonRoot", "readOnlyRootFilesystem", "allowPrivilegeEscalation"],
            ),
            "canary": obj(
                {
                    "mode": {"enum": ["none", "argo", "flagger"]},
                    "steps": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                    "stepDuration": DURATION,
                    "flaggerPort": {"enum": ["grpc", "http"]},
                    "analysis": obj(
                        {
                            "prometheusAddress": {"type": "string", "pattern": "^https?://[^\\s]+$"},
                            "interval": DURATION,
                            "initialDelay": DURATION,
                            "failureLimit": {"type": "integer", "minimum": 0},
                            "inconclusiveLimit": {"type": "integer", "minimum": 1},
                            "grpcErrorCodes": {
                                "type": "array",
                                "minItems": 1,
                                "uniqueItems": True,
                                "items": {
                                    # Only codes that are the server's fault.
                                    "enum": ["Unknown", "Internal", "Unavailable", "DeadlineExceeded", "DataLoss", "Unimplemented", "ResourceExhausted", "Aborted"]
                                },
                            },
                            "maxGrpcErrorRatio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                            "maxHttpErrorRatio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                            "maxGrpcP99Seconds": {"type": "number", "exclusiveMinimum": 0},
                            "maxHttpP99Seconds": {"type": "number", "exclusiveMinimum": 0},
                            "latencyExcludeGrpcMethods": STR,
                            "latencyExcludeHttpRoutes": STR,
                        },
                        [
                            "prometheusAddress", "interval", "failureLimit", "inconclusiveLimit", "grpcErrorCodes",
                            "maxGrpcErrorRatio", "maxHttpErrorRatio", "maxGrpcP99Seconds", "maxHttpP99Seconds",
                        ],
                    ),
                },
                ["mode", "steps", "analysis"],
            ),
            "traffic": obj(
                {
                    "provider": {"enum": ["none", "gatewayapi", "nginx"]},
                    "domain": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"},
                    "gateway": obj({"name": NONEMPTY, "namespace": NONEMPTY, "sectionName": STR}, ["name", "namespace"]),
                    "nginx": obj(
                        {"className": NONEMPTY, "annotations": open_obj(additionalProperties={"type": "string"}), "tlsSecret": DNS_LABEL}
                    ),
                },
                ["provider"],
            ),
            "networkPolicy": obj(
                {
                    "enabled": BOOL,
                    "allowFrom": PEERS,
                    "metricsFrom": PEERS,
                    "egress": obj(
                        {
                            "enabled": BOOL,
                            "kafkaPorts": {"type": "array", "items": PORT},
                            "databasePorts": {"type": "array", "items": PORT},
                            "otlpPorts": {"type": "array", "items": PORT},
                            "identityProviderPorts": {"type": "array", "items": PORT},
                            "extraRules": {"type": "array", "items": {"type": "object"}},
                        }
                    ),
                }
            ),
            "metrics": obj(
                {
                    "serviceMonitor": obj(
                        {
                            "enabled": BOOL,
                            "interval": DURATION,
                            "scrapeTimeout": DURATION,
                            "labels": open_obj(additionalProperties={"type": "string"}),
                        }
                    )
                }
            ),
            "dashboards": obj({"enabled": BOOL, "label": NONEMPTY, "labelValue": STR, "folder": STR}),
            "prometheusRule": obj({"enabled": BOOL, "labels": open_obj(additionalProperties={"type": "string"})}),
            "preflight": obj(
                {
                    "enabled": BOOL,
                    "image": IMAGE_REF,
                    "timeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 120},
                    "resources": RESOURCES,
                    "backup": obj({"enabled": BOOL, "existingClaim": DNS_LABEL}),
                }
            ),
            "tests": obj(
                {"grpcHealthProbeImage": IMAGE_REF, "grpcurlImage": IMAGE_REF, "curlImage": IMAGE_REF}
            ),
        },
        ["image", "kafka", "shutdown", "auth", "defaults", "services", "canary", "traffic"],
    ),
}


def render() -> str:
    return json.dumps(SCHEMA, indent=2) + "\n"


if __name__ == "__main__":
    OUT.write_text(render())
    print(f"wrote {OUT.relative_to(ROOT)}")
