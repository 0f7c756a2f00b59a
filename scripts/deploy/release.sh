#!/usr/bin/env bash
#
# Releases PortTrack to one environment and waits for the canary to finish.
# Used by .github/workflows/deploy.yml; runnable by hand with a kubeconfig.
#
#   scripts/deploy/release.sh ENV VERSION [DIGEST]
#     ENV      dev | test | staging | prod   (helm/values/ENV.yaml)
#     VERSION  1.2.3 or 1.2.3-canary          (image tag vVERSION)
#     DIGEST   sha256:...                     (pins the image; optional)
#
# canary.mode none:    helm upgrade --atomic (Helm rolls back by itself).
# canary.mode argo:    helm upgrade, then `kubectl argo rollouts status` per
#                      service; an aborted (failed analysis) or stuck rollout
#                      makes this run `helm rollback` and exit 1.
# canary.mode flagger: helm upgrade, then wait for each Canary to be
#                      Succeeded; Failed means Flagger already routed all
#                      traffic back to the primary: `helm rollback`, exit 1.

set -euo pipefail

ENV="${1:?usage: release.sh ENV VERSION [DIGEST]}"
VERSION="${2:?usage: release.sh ENV VERSION [DIGEST]}"
DIGEST="${3:-}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VALUES="$REPO_ROOT/helm/values/$ENV.yaml"
NAMESPACE="${PORTTRACK_NAMESPACE:-porttrack-$ENV}"
RELEASE="${PORTTRACK_RELEASE:-porttrack}"
CANARY_TIMEOUT="${PORTTRACK_CANARY_TIMEOUT:-90m}"
SERVICES=(ingest ships routes cargo staff)

[[ -f "$VALUES" ]] || { echo "no values file $VALUES" >&2; exit 2; }
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || { echo "bad version $VERSION" >&2; exit 2; }

mode="$(sed -n '/^canary:/,/^[^ ]/s/^  mode: *\([a-z]*\).*/\1/p' "$VALUES" | head -n 1)"
mode="${mode:-none}"
args=(upgrade --install "$RELEASE" "$REPO_ROOT/helm/porttrack" --namespace "$NAMESPACE" --create-namespace
    --values "$VALUES" --set "image.tag=v$VERSION" --wait --timeout 20m)
if [[ -n "$DIGEST" ]]; then args+=(--set "image.digest=$DIGEST"); fi

log() { printf '==> %s\n' "$*" >&2; }

rollback() {
    log "canary failed in $ENV: rolling the Helm release back to the previous revision"
    helm rollback "$RELEASE" 0 --namespace "$NAMESPACE" --wait --timeout 20m
    helm history "$RELEASE" --namespace "$NAMESPACE" --max 5 >&2 || true
    exit 1
}

log "releasing v$VERSION to $ENV (namespace $NAMESPACE, canary mode $mode)"
case "$mode" in
none)
    helm "${args[@]}" --atomic
    ;;
argo)
    helm "${args[@]}" || rollback
    for svc in "${SERVICES[@]}"; do
        rollout="$RELEASE-$svc"
        kubectl get rollout "$rollout" --namespace "$NAMESPACE" >/dev/null 2>&1 || continue
        log "watching rollout $rollout"
        # Exits non-zero when the rollout is Degraded (analysis failed and
        # Argo aborted it) or the timeout passes.
        kubectl argo rollouts status "$rollout" --namespace "$NAMESPACE" --timeout "$CANARY_TIMEOUT" || rollback
    done
    ;;
flagger)
    # What each Canary had analysed before, to tell its new run from the last one.
    declare -A before=()
    for svc in "${SERVICES[@]}"; do
        before[$svc]="$(kubectl get canary "$RELEASE-$svc" --namespace "$NAMESPACE" \
            -o jsonpath='{.status.lastAppliedSpec}' 2>/dev/null || true)"
    done
    helm "${args[@]}" || rollback
    for svc in "${SERVICES[@]}"; do
        canary="$RELEASE-$svc"
        kubectl get canary "$canary" --namespace "$NAMESPACE" >/dev/null 2>&1 || continue
        log "watching canary $canary"
        deadline=$((SECONDS + 5400))
        # Flagger notices a new template within its control loop (seconds).
        settled=$((SECONDS + 120))
        while :; do
            phase="$(kubectl get canary "$canary" --namespace "$NAMESPACE" -o jsonpath='{.status.phase}')"
            applied="$(kubectl get canary "$canary" --namespace "$NAMESPACE" -o jsonpath='{.status.lastAppliedSpec}')"
            # First install: Flagger initializes the primary without analysis.
            if [[ -z "${before[$svc]}" && "$phase" == Initialized ]]; then break; fi
            # Failed: this release's analysis failed (or, unchanged, the last one's still stands).
            if [[ "$phase" == Failed ]] && { [[ "$applied" != "${before[$svc]}" ]] || ((SECONDS > settled)); }; then
                rollback
            fi
            if [[ "$applied" != "${before[$svc]}" && "$phase" == Succeeded ]]; then break; fi
            # Same pod template as before (nothing to release for this service).
            if [[ "$applied" == "${before[$svc]}" && "$phase" == Succeeded ]] && ((SECONDS > settled)); then
                log "$canary: no change to analyse"
                break
            fi
            ((SECONDS < deadline)) || rollback
            sleep 15
        done
    done
    ;;
*)
    echo "unknown canary.mode '$mode' in $VALUES" >&2
    exit 2
    ;;
esac
log "v$VERSION is fully promoted in $ENV"
