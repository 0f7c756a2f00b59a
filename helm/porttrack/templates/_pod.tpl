{{/*
The pod template every service shares, for a Deployment or a Rollout.
*/}}
{{- define "porttrack.podTemplate" -}}
{{- $v := .root.Values -}}
metadata:
  labels:
    {{- include "porttrack.labels" . | nindent 4 }}
    {{- with .svc.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # A settings change rolls the pods (and, with a canary, is released as one).
    checksum/config: {{ include "porttrack.settings" . | sha256sum }}
    {{- with .svc.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "porttrack.serviceAccountName" .root }}
  automountServiceAccountToken: {{ $v.serviceAccount.automountToken }}
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  terminationGracePeriodSeconds: {{ include "porttrack.terminationGrace" .root }}
  securityContext:
    {{- toYaml $v.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ .name }}
      image: {{ include "porttrack.image" .root | quote }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      args: [{{ .name | quote }}]
      envFrom:
        - configMapRef:
            name: {{ include "porttrack.svcName" . }}
      env:
        # Static Kafka group membership: a restarted replica takes its
        # partitions back at once.
        - name: PORTTRACK_INSTANCE_ID
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        {{- if and .facts.database (not .svc.database.sqlite) }}
        - name: PORTTRACK_DATABASE_URL
          valueFrom:
            secretKeyRef:
              name: {{ include "porttrack.databaseSecret" . }}
              key: {{ .svc.database.key }}
        {{- end }}
      ports:
        - name: grpc
          containerPort: 50051
          protocol: TCP
        - name: http
          containerPort: 8080
          protocol: TCP
        {{- if .facts.nmea }}
        - name: nmea-tcp
          containerPort: 10110
          protocol: TCP
        - name: nmea-udp
          containerPort: 10110
          protocol: UDP
        {{- end }}
      # Started once /health/ready says so (ships waits for its index).
      startupProbe:
        httpGet:
          path: /health/ready
          port: http
          {{- if $v.tls.enabled }}
          scheme: HTTPS
          {{- end }}
        periodSeconds: 5
        failureThreshold: 60
      # Ready while the gRPC health service says SERVING; it says
      # NOT_SERVING from the first moment of a drain. Over TLS, kubelet's
      # gRPC probe cannot connect: /health/ready reports the same state.
      readinessProbe:
        {{- if $v.tls.enabled }}
        httpGet:
          path: /health/ready
          port: http
          scheme: HTTPS
        {{- else }}
        grpc:
          port: 50051
          service: ""
        {{- end }}
        periodSeconds: 5
        timeoutSeconds: 2
        failureThreshold: 2
      livenessProbe:
        httpGet:
          path: /health/live
          port: http
          {{- if $v.tls.enabled }}
          scheme: HTTPS
          {{- end }}
        periodSeconds: 10
        timeoutSeconds: 2
        failureThreshold: 3
      lifecycle:
        preStop:
          sleep:
            seconds: {{ $v.shutdown.preStopSeconds }}
      resources:
        {{- toYaml .svc.resources | nindent 8 }}
      securityContext:
        {{- toYaml $v.containerSecurityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if $v.tls.enabled }}
        - name: tls
          mountPath: /etc/porttrack/tls
          readOnly: true
        {{- end }}
        {{- if and .facts.database .svc.database.sqlite }}
        - name: data
          mountPath: /data
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
    {{- if $v.tls.enabled }}
    - name: tls
      secret:
        secretName: {{ $v.tls.existingSecret | quote }}
    {{- end }}
    {{- if and .facts.database .svc.database.sqlite }}
    - name: data
      emptyDir:
        sizeLimit: 1Gi
    {{- end }}
  {{- if .svc.spreadOverNodes }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "porttrack.selectorLabels" . | nindent 10 }}
  {{- end }}
  {{- with .svc.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .svc.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .svc.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
