"""Values the chart must refuse (and a few it must accept). Each bad case
names where it is caught: "schema" (values.schema.json, at install time
before anything renders) or "render" (a template guard, for what JSON
Schema cannot say)."""

BAD = [
    ("unknown canary mode", {"canary": {"mode": "bluegreen"}}, "schema"),
    ("unknown traffic provider", {"traffic": {"provider": "istio"}}, "schema"),
    ("image tag latest", {"image": {"tag": "latest"}}, "schema"),
    ("floating image tag", {"image": {"tag": "main"}}, "schema"),
    ("malformed digest", {"image": {"digest": "sha256:abc"}}, "schema"),
    ("typo in a top-level key", {"canaray": {"mode": "argo"}}, "schema"),
    ("typo in a service key", {"services": {"ships": {"enabled": True, "replicas": 3}}}, "schema"),
    ("unknown service", {"services": {"billing": {"enabled": True}}}, "schema"),
    ("zero replicas", {"defaults": {"replicaCount": 0}}, "schema"),
    ("replicas as a string", {"defaults": {"replicaCount": "3"}}, "schema"),
    ("no memory limit (null removes the default)", {"defaults": {"resources": {"limits": {"memory": None}}}}, "schema"),
    ("database URL as a plain setting", {"defaults": {"settings": {"PORTTRACK_DATABASE_URL": "postgres://u:p@db/x"}}}, "schema"),
    ("listener address overridden (probes would miss it)", {"services": {"ships": {"enabled": True, "settings": {"PORTTRACK_GRPC_ADDR": "127.0.0.1:1"}}}}, "schema"),
    ("setting that the binary does not read", {"defaults": {"settings": {"JAVA_OPTS": "-Xmx1g"}}}, "schema"),
    ("Kafka brokers without a port", {"kafka": {"brokers": "kafka"}}, "schema"),
    ("zero partitions", {"kafka": {"partitions": 0}}, "schema"),
    ("negative drain delay", {"shutdown": {"drainDelaySeconds": -1}}, "schema"),
    ("a canary step above 100%", {"canary": {"steps": [5, 150]}}, "schema"),
    ("step duration without a unit", {"canary": {"stepDuration": "5"}}, "schema"),
    ("client gRPC code counted as a failure", {"canary": {"analysis": {"grpcErrorCodes": ["Internal", "NotFound"]}}}, "schema"),
    ("error ratio above 1", {"canary": {"analysis": {"maxGrpcErrorRatio": 5}}}, "schema"),
    ("error ratio of 0 (any error fails)", {"canary": {"analysis": {"maxHttpErrorRatio": 0}}}, "schema"),
    ("Prometheus address without a scheme", {"canary": {"analysis": {"prometheusAddress": "prometheus:9090"}}}, "schema"),
    ("root user", {"podSecurityContext": {"runAsNonRoot": False}}, "schema"),
    ("writable root filesystem", {"containerSecurityContext": {"readOnlyRootFilesystem": False}}, "schema"),
    ("privilege escalation", {"containerSecurityContext": {"allowPrivilegeEscalation": True}}, "schema"),
    ("added capabilities", {"containerSecurityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_ADMIN"]}}}, "schema"),
    ("PDB with a malformed percentage", {"defaults": {"pdb": {"enabled": True, "maxUnavailable": "half"}}}, "schema"),
    ("CPU target above 100%", {"defaults": {"autoscaling": {"targetCPUUtilizationPercentage": 150}}}, "schema"),
    ("NMEA Service of an unknown type", {"services": {"ingest": {"enabled": True, "nmea": {"serviceType": "Ingress"}}}}, "schema"),
    ("Secret name that is not a DNS label", {"defaults": {"database": {"existingSecret": "My_Secret"}}}, "schema"),
    ("test image tagged latest", {"tests": {"curlImage": {"repository": "curlimages/curl", "tag": "latest"}}}, "schema"),
    ("canary steps not ending at 100%", {"canary": {"steps": [5, 25, 50]}}, "render"),
    ("SQLite with two replicas", {"defaults": {"replicaCount": 2, "database": {"sqlite": True}}}, "render"),
    ("SQLite with autoscaling", {"defaults": {"replicaCount": 1, "database": {"sqlite": True}, "autoscaling": {"enabled": True}}}, "render"),
    ("autoscaling max below min", {"defaults": {"autoscaling": {"enabled": True, "minReplicas": 4, "maxReplicas": 2}}}, "render"),
]

GOOD = [
    ("defaults", {}),
    ("a release tag", {"image": {"tag": "v1.2.3"}}),
    ("a canary tag", {"image": {"tag": "v1.2.3-canary"}}),
    ("a digest", {"image": {"digest": "sha256:" + "a" * 64}}),
    ("a service turned off", {"services": {"cargo": {"enabled": False}}}),
    ("extra settings", {"defaults": {"settings": {"PORTTRACK_PRODUCE_QUEUE": 50000, "OTEL_SERVICE_NAME": "porttrack"}}}),
    ("PDB as a percentage", {"defaults": {"pdb": {"enabled": True, "maxUnavailable": "25%"}}}),
]
