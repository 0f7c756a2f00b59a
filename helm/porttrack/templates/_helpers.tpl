{{/*
Names, labels and the facts the chart knows about each service.

Most helpers take a service context built by "porttrack.ctx":
  dict "root" $ "name" "ships" "svc" <merged values> "facts" <facts>
*/}}

{{- define "porttrack.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "porttrack.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "porttrack.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
What the code fixes and the chart must know: the gRPC service each one
serves, whether it owns a database (and its newest migration, which the
preflight job compares with the database), whether it consumes Kafka, and
the read-only query `helm test` makes. scripts/deploy/policy.py checks the
migration numbers against crates/<service>/migrations.
*/}}
{{- define "porttrack.facts" -}}
ingest:
  grpcService: porttrack.ingest.v1.IngestService
  database: false
  consumer: false
  nmea: true
  restQuery: ""
  grpcQuery: ""
ships:
  grpcService: porttrack.ships.v1.ShipsService
  database: true
  migration: "20261124000001"
  consumer: true
  nmea: false
  restQuery: /v1/vessels?page_size=1
  grpcQuery: ListVessels
routes:
  grpcService: porttrack.routes.v1.RoutesService
  database: true
  migration: "20261125000001"
  consumer: true
  nmea: false
  restQuery: /v1/zones?page_size=1
  grpcQuery: ListZones
cargo:
  grpcService: porttrack.cargo.v1.CargoService
  database: true
  migration: "20261125000001"
  consumer: false
  nmea: false
  restQuery: /v1/manifests?page_size=1
  grpcQuery: ListManifests
staff:
  grpcService: porttrack.staff.v1.StaffService
  database: true
  migration: "20261124200001"
  consumer: true
  nmea: false
  restQuery: /v1/people?page_size=1
  grpcQuery: ListPeople
{{- end }}

{{/* The enabled services, in a fixed order, as a list of contexts. */}}
{{- define "porttrack.services" -}}
{{- $facts := include "porttrack.facts" . | fromYaml }}
{{- $out := list }}
{{- range $name := list "ingest" "ships" "routes" "cargo" "staff" }}
{{- $own := index $.Values.services $name }}
{{- if $own.enabled }}
{{- $svc := mergeOverwrite (deepCopy $.Values.defaults) (omit $own "enabled") }}
{{- $out = append $out (dict "name" $name "svc" $svc "facts" (index $facts $name)) }}
{{- end }}
{{- end }}
{{- toYaml (dict "items" $out) }}
{{- end }}

{{/* "<fullname>-<service>": the workload, its Service and most objects. */}}
{{- define "porttrack.svcName" -}}
{{- printf "%s-%s" (include "porttrack.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "porttrack.labels" -}}
helm.sh/chart: {{ include "porttrack.chart" .root }}
{{ include "porttrack.selectorLabels" . }}
{{- if eq .root.Values.canary.mode "flagger" }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}
app.kubernetes.io/version: {{ include "porttrack.imageTag" .root | quote }}
app.kubernetes.io/component: {{ .name }}
app.kubernetes.io/part-of: porttrack
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/*
Selector labels: name and instance; Flagger copies a single selector label
to the primary workload, so in flagger mode only the name.
*/}}
{{- define "porttrack.selectorLabels" -}}
app.kubernetes.io/name: {{ include "porttrack.svcName" . }}
{{- if ne .root.Values.canary.mode "flagger" }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}
{{- end }}

{{/*
Every pod of a service, stable, canary and (Flagger) primary alike: for the
metrics and NMEA Services and NetworkPolicies, which must span them all.
*/}}
{{- define "porttrack.allPodsSelector" -}}
{{- if eq .root.Values.canary.mode "flagger" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- else -}}
{{ include "porttrack.selectorLabels" . }}
{{- end }}
{{- end }}

{{/* Labels of chart-wide objects (not tied to one service). */}}
{{- define "porttrack.commonLabels" -}}
helm.sh/chart: {{ include "porttrack.chart" . }}
app.kubernetes.io/name: {{ include "porttrack.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ include "porttrack.imageTag" . | quote }}
app.kubernetes.io/part-of: porttrack
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "porttrack.imageTag" -}}
{{- $tag := default (printf "v%s" .Chart.AppVersion) .Values.image.tag }}
{{- if eq $tag "latest" }}
{{- fail "image.tag must name a release (v1.2.3), never \"latest\"" }}
{{- end }}
{{- $tag }}
{{- end }}

{{- define "porttrack.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (include "porttrack.imageTag" .) }}
{{- end }}
{{- end }}

{{- define "porttrack.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "porttrack.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "porttrack.databaseSecret" -}}
{{- default (printf "%s-database" (include "porttrack.svcName" .)) .svc.database.existingSecret }}
{{- end }}

{{/* Seconds a pod may take to stop: preStop + drain + grace + margin. */}}
{{- define "porttrack.terminationGrace" -}}
{{- $s := .Values.shutdown }}
{{- add $s.preStopSeconds $s.drainDelaySeconds $s.graceSeconds $s.marginSeconds }}
{{- end }}

{{/* Fails the render on combinations the schema cannot express. */}}
{{- define "porttrack.validate" -}}
{{- $ctx := . }}
{{- if gt (int (last .Values.canary.steps)) 100 }}{{ fail "canary.steps: weights are percentages" }}{{ end }}
{{- if ne (int (last .Values.canary.steps)) 100 }}
{{- fail "canary.steps: the last step must be 100 (full promotion)" }}
{{- end }}
{{- if and .Values.tls.enabled (not .Values.tls.existingSecret) }}
{{- fail "tls.enabled needs tls.existingSecret: the Secret (kubernetes.io/tls, with ca.crt) to serve" }}
{{- end }}
{{- range (include "porttrack.services" . | fromYaml).items }}
{{- if and .facts.database .svc.database.sqlite }}
{{- if or (gt (int .svc.replicaCount) 1) .svc.autoscaling.enabled }}
{{- fail (printf "services.%s: SQLite keeps data inside one pod; use one replica and no autoscaling, or a PostgreSQL database.existingSecret" .name) }}
{{- end }}
{{- end }}
{{- if and .svc.autoscaling.enabled (lt (int .svc.autoscaling.maxReplicas) (int .svc.autoscaling.minReplicas)) }}
{{- fail (printf "services.%s.autoscaling: maxReplicas is below minReplicas" .name) }}
{{- end }}
{{- end }}
{{- end }}
