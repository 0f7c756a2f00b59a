{{/* The environment of one service: listeners, drain, Kafka, then extras. */}}
{{- define "porttrack.settings" -}}
{{- $v := .root.Values -}}
PORTTRACK_HTTP_ADDR: "0.0.0.0:8080"
PORTTRACK_GRPC_ADDR: "0.0.0.0:50051"
PORTTRACK_DRAIN_DELAY: {{ printf "%ds" (int $v.shutdown.drainDelaySeconds) | quote }}
PORTTRACK_SHUTDOWN_GRACE: {{ printf "%ds" (int $v.shutdown.graceSeconds) | quote }}
PORTTRACK_KAFKA_BROKERS: {{ $v.kafka.brokers | quote }}
PORTTRACK_KAFKA_TOPIC_PREFIX: {{ $v.kafka.topicPrefix | quote }}
PORTTRACK_KAFKA_PARTITIONS: {{ $v.kafka.partitions | int | quote }}
PORTTRACK_KAFKA_REPLICATION: {{ $v.kafka.replication | int | quote }}
RUST_LOG: {{ $v.logLevel | quote }}
{{- if $v.tls.enabled }}
PORTTRACK_TLS_CERT: /etc/porttrack/tls/tls.crt
PORTTRACK_TLS_KEY: /etc/porttrack/tls/tls.key
{{- end }}
PORTTRACK_AUTH: {{ $v.auth.mode | quote }}
PORTTRACK_AUTH_ISSUER: {{ $v.auth.issuer | quote }}
PORTTRACK_AUTH_AUDIENCE: {{ $v.auth.audience | quote }}
PORTTRACK_AUTH_LEEWAY: {{ printf "%ds" (int $v.auth.leewaySeconds) | quote }}
{{- with $v.auth.jwksUrl }}
PORTTRACK_AUTH_JWKS_URL: {{ . | quote }}
{{- end }}
{{- if .facts.nmea }}
PORTTRACK_NMEA_ADDR: "0.0.0.0:10110"
{{- end }}
{{- if and .facts.database .svc.database.sqlite }}
PORTTRACK_DATA_DIR: /data
{{- end }}
{{- range $k, $val := .svc.settings }}
{{ $k }}: {{ $val | toString | quote }}
{{- end }}
{{- end }}
