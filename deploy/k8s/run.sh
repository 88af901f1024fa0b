#!/bin/bash
# Run a renewplan study on Kubernetes: create the PVC, the parameters and the
# Indexed shard Job (kubectl apply -k deploy/k8s), wait until that Job is
# Complete, then create the merge Job (kubectl apply -k deploy/k8s/merge) and
# wait for it. Parameters (RUN_ID, SAMPLES, SHARDS, SEED, SCENARIO) are in
# deploy/k8s/kustomization.yaml; SHARDS must equal completions in shards-job.yaml.
#
#   deploy/k8s/run.sh [-n NAMESPACE] [--timeout SECONDS]
#
# The result is /results/$RUN_ID/merged on the volume renewplan-results; see
# results-pod.yaml to copy it out. Jobs are immutable: before the next study,
# `kubectl delete job renewplan-shards renewplan-merge` and change RUN_ID.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ns=() timeout=86400
while [ $# -gt 0 ]; do
    case $1 in
        -n | --namespace) ns=(-n "$2"); shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        *) echo "usage: $0 [-n NAMESPACE] [--timeout SECONDS]" >&2; exit 2 ;;
    esac
done
k() { kubectl ${ns[@]+"${ns[@]}"} "$@"; }
die() { echo "run.sh: $*" >&2; exit 1; }

command -v kubectl >/dev/null || die "kubectl not found"
for job in renewplan-shards renewplan-merge; do
    if k get job "$job" >/dev/null 2>&1; then
        die "Job $job already exists; for a new study: kubectl delete job renewplan-shards renewplan-merge, and change RUN_ID in kustomization.yaml"
    fi
done

# Wait until a Job has condition Complete (return 0) or Failed (return 1).
wait_job() { # name
    local t0=$SECONDS conds
    while :; do
        conds=$(k get job "$1" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
        case " $conds " in
            *" Complete "*) echo "run.sh: Job $1 Complete"; return 0 ;;
            *" Failed "*) echo "run.sh: Job $1 Failed" >&2; return 1 ;;
        esac
        [ $((SECONDS - t0)) -lt "$timeout" ] || { echo "run.sh: Job $1 not finished after $timeout s" >&2; return 1; }
        sleep 10
    done
}

k apply -k "$here"
echo "run.sh: waiting for Job renewplan-shards ($(k get job renewplan-shards -o jsonpath='{.spec.completions}') shards)"
wait_job renewplan-shards || {
    k get pods -l app.kubernetes.io/component=shard >&2 || true
    die "shards failed; see kubectl logs -l app.kubernetes.io/component=shard (the merge Job was not created)"
}
k apply -k "$here/merge"
wait_job renewplan-merge || { k logs job/renewplan-merge >&2 || true; die "merge failed"; }
k logs job/renewplan-merge | tail -n 20
run_id=$(k get configmap renewplan-run -o jsonpath='{.data.RUN_ID}')
echo "run.sh: result in /results/$run_id/merged on PVC renewplan-results (copy it out with results-pod.yaml)"
