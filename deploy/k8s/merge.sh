#!/bin/sh
# Entry point of the renewplan merge Job: merges $RESULTS_DIR/$RUN_ID/shards/shard-1..SHARDS
# into $RESULTS_DIR/$RUN_ID/merged. A shard directory that is absent is left out of
# the list so that `renewplan merge` names the missing shard(s).
# Environment: SHARDS, RUN_ID, RESULTS_DIR (default /results), RENEWPLAN_BIN (see shard.sh).
set -eu

die() { echo "renewplan-merge: $*" >&2; exit 2; }

case ${SHARDS:-} in '' | *[!0-9]* | 0*) die "SHARDS must be a positive integer, got '${SHARDS:-}'" ;; esac
[ -n "${RUN_ID:-}" ] || die "RUN_ID is empty"
case $RUN_ID in */* | .*) die "RUN_ID must be a plain name, got '$RUN_ID'" ;; esac
results=${RESULTS_DIR:-/results}
bin=${RENEWPLAN_BIN:-renewplan}
base=$results/$RUN_ID

set --
k=1
while [ "$k" -le "$SHARDS" ]; do
    d=$base/shards/shard-$k
    if [ -f "$d/partial.json" ]; then
        set -- "$@" "$d"
    else
        echo "renewplan-merge: warning: $d/partial.json not found" >&2
    fi
    k=$((k + 1))
done
[ $# -gt 0 ] || die "no partial results under $base/shards"

echo "renewplan-merge: merging $# of $SHARDS shards into $base/merged"
exec "$bin" merge "$@" --out "$base/merged"
