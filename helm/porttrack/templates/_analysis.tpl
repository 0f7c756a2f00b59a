{{/*
The four canary measurements, written once for Argo and Flagger. Each takes
dict "a" <canary.analysis values> "sel" <label matchers of the new pods>
"w" <range window>.

No data must never pass: a ratio whose denominator has no series returns an
empty vector, one whose traffic is zero returns NaN; the callers treat both
as "no verdict". A numerator without series (no errors at all) is 0, not
"no data": hence `or vector(0)`. The health and reflection services are
left out: kubelet probes alone would otherwise make every canary look busy
and healthy.
*/}}
{{- define "porttrack.q.notInfra" -}}
grpc_service!~"grpc.health.v1.Health|grpc.reflection.v1.ServerReflection|grpc.reflection.v1alpha.ServerReflection"
{{- end }}

{{- define "porttrack.q.grpcErrors" -}}
(
  sum(rate(grpc_server_handled_total{ {{- .sel }},{{ include "porttrack.q.notInfra" . }},grpc_code=~"{{ join "|" .a.grpcErrorCodes }}"}[{{ .w }}]))
  or vector(0)
)
/
sum(rate(grpc_server_handled_total{ {{- .sel }},{{ include "porttrack.q.notInfra" . }}}[{{ .w }}]))
{{- end }}

{{- define "porttrack.q.httpErrors" -}}
(
  sum(rate(http_server_requests_total{ {{- .sel }},status_class="5xx"}[{{ .w }}]))
  or vector(0)
)
/
sum(rate(http_server_requests_total{ {{- .sel }}}[{{ .w }}]))
{{- end }}

{{- define "porttrack.q.grpcLatency" -}}
histogram_quantile(0.99,
  sum by (le) (rate(grpc_server_handling_seconds_bucket{ {{- .sel }},{{ include "porttrack.q.notInfra" . }},grpc_method!~"{{ .a.latencyExcludeGrpcMethods }}"}[{{ .w }}]))
)
{{- end }}

{{- define "porttrack.q.httpLatency" -}}
histogram_quantile(0.99,
  sum by (le) (rate(http_server_request_duration_seconds_bucket{ {{- .sel }},route!~"{{ .a.latencyExcludeHttpRoutes }}"}[{{ .w }}]))
)
{{- end }}

{{/* name → [query template, threshold key] */}}
{{- define "porttrack.measurements" -}}
grpc-errors: {query: porttrack.q.grpcErrors, max: maxGrpcErrorRatio, grpc: true}
grpc-latency: {query: porttrack.q.grpcLatency, max: maxGrpcP99Seconds, grpc: true}
http-errors: {query: porttrack.q.httpErrors, max: maxHttpErrorRatio, grpc: false}
http-latency: {query: porttrack.q.httpLatency, max: maxHttpP99Seconds, grpc: false}
{{- end }}
