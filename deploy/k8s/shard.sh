#!/bin/sh
# Entry point of one pod of the renewplan Indexed Job: shard K = JOB_COMPLETION_INDEX + 1
# of SHARDS. Writes the partial result $RESULTS_DIR/$RUN_ID/shards/shard-K.
#
# Environment (from the renewplan-run ConfigMap and the Job):
#   JOB_COMPLETION_INDEX  0-based index, set by Kubernetes (completionMode: Indexed)
#   SHARDS                number of shards; must equal the Job's spec.completions
#   SAMPLES               total samples of the whole study
#   RUN_ID                subdirectory of RESULTS_DIR for this study
#   SCENARIO              scenario file inside the container; empty: bundled alxa-2030-base
#   SEED                  seed; empty: the scenario's [run] seed
#   THREADS               worker threads (default 1)
#   RESULTS_DIR           mount point of the shared volume (default /results)
#   RENEWPLAN_BIN         binary (default renewplan)
set -eu

die() { echo "renewplan-shard: $*" >&2; exit 2; }
is_count() { case $1 in '' | *[!0-9]* | 0*) return 1 ;; esac; }

idx=${JOB_COMPLETION_INDEX:-}
case $idx in '' | *[!0-9]*) die "JOB_COMPLETION_INDEX is '$idx': run me as a pod of a Job with completionMode: Indexed" ;; esac
is_count "${SHARDS:-}" || die "SHARDS must be a positive integer, got '${SHARDS:-}'"
is_count "${SAMPLES:-}" || die "SAMPLES must be a positive integer, got '${SAMPLES:-}'"
[ -n "${RUN_ID:-}" ] || die "RUN_ID is empty"
case $RUN_ID in */* | .*) die "RUN_ID must be a plain name, got '$RUN_ID'" ;; esac
threads=${THREADS:-1}
is_count "$threads" || threads=1
results=${RESULTS_DIR:-/results}
bin=${RENEWPLAN_BIN:-renewplan}

k=$((idx + 1))
[ "$k" -le "$SHARDS" ] || die "completion index $idx is shard $k, but SHARDS is $SHARDS: set the Job's completions to SHARDS"
[ -d "$results" ] || die "$results is not a directory: mount the shared volume there"

set -- run
[ -z "${SCENARIO:-}" ] || set -- "$@" "$SCENARIO"
[ -z "${SEED:-}" ] || set -- "$@" --seed "$SEED"
set -- "$@" --samples "$SAMPLES" --shard "$k/$SHARDS" --out "$results/$RUN_ID/shards/shard-$k" --threads "$threads" --quiet
echo "renewplan-shard: $(hostname): $bin $*"
exec "$bin" "$@"
