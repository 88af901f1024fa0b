#!/bin/bash
# Submit a sharded renewplan study to Slurm: a job array with one shard per
# array task, then a merge job that starts only if every shard succeeded.
#
#   deploy/slurm/submit.sh SCENARIO SAMPLES SHARDS OUTDIR
#
#   SCENARIO  scenario file (TOML), or `default` for the bundled alxa-2030-base
#   SAMPLES   total Monte Carlo samples (sampled years) of the whole study
#   SHARDS    number of shards N = array tasks (1..N); at most MaxArraySize-1
#   OUTDIR    results directory on a filesystem shared by all nodes; gets
#             shards/shard-K/ (partial results), logs/, and merged/ (the result)
#
# Environment (all optional):
#   RENEWPLAN_BIN            renewplan binary (default: `renewplan` on PATH,
#                            else target/release/renewplan of this checkout)
#   RENEWPLAN_SEED           seed (default: the scenario's [run] seed)
#   RENEWPLAN_CPUS_PER_TASK  CPUs (= threads) per shard (default 1)
#   RENEWPLAN_SBATCH_ARGS    extra sbatch options for both jobs, e.g.
#                            "--partition=cpu --account=proj --time=01:00:00"
#   SBATCH_*                 sbatch's own input variables also apply
#
# Prints the two job ids, and last two lines that scripts can parse:
#   ARRAY_JOB_ID=<id>
#   MERGE_JOB_ID=<id>
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "submit.sh: $*" >&2; exit 2; }

[ $# -eq 4 ] || die "usage: $0 SCENARIO SAMPLES SHARDS OUTDIR   (SCENARIO may be 'default')"
scenario=$1 samples=$2 shards=$3 outdir=$4
seed=${RENEWPLAN_SEED:-}
cpus=${RENEWPLAN_CPUS_PER_TASK:-1}
read -r -a extra <<<"${RENEWPLAN_SBATCH_ARGS:-}"

[[ $samples =~ ^[1-9][0-9]*$ ]] || die "SAMPLES must be a positive integer, got '$samples'"
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "SHARDS must be a positive integer, got '$shards'"
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "RENEWPLAN_CPUS_PER_TASK must be a positive integer, got '$cpus'"
[ -z "$seed" ] || [[ $seed =~ ^[0-9]+$ ]] || die "RENEWPLAN_SEED must be a non-negative integer, got '$seed'"
command -v sbatch >/dev/null || die "sbatch not found on PATH (is this a Slurm login node?)"

# The binary, as an absolute path the compute nodes will use.
bin=${RENEWPLAN_BIN:-}
if [ -z "$bin" ]; then
    bin=$(command -v renewplan || true)
    [ -n "$bin" ] || bin=$here/../../target/release/renewplan
fi
if [[ $bin != */* ]]; then bin=$(command -v "$bin" || true); fi
[ -n "$bin" ] && [ -x "$bin" ] || die "renewplan binary not found or not executable: '${RENEWPLAN_BIN:-renewplan}' (set RENEWPLAN_BIN)"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# The scenario, as an absolute path: shards and merge must all see the same
# path (it is recorded in the result, and data files are resolved against it).
if [ "$scenario" != default ]; then
    [ -f "$scenario" ] || die "scenario file not found: $scenario"
    scenario=$(cd "$(dirname "$scenario")" && pwd)/$(basename "$scenario")
    "$bin" validate "$scenario" >/dev/null || die "scenario $scenario does not validate (see above)"
fi

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
# One submission per OUTDIR: shards of different submissions must not mix.
mkdir "$outdir/shards" 2>/dev/null ||
    die "$outdir/shards exists (an earlier submission to this OUTDIR); choose a new OUTDIR or remove it"
mkdir -p "$outdir/logs"

array_out=$(sbatch --parsable ${extra[@]+"${extra[@]}"} \
    --array="1-$shards" --cpus-per-task="$cpus" --chdir="$outdir" \
    --output="$outdir/logs/shard-%a.out" --error="$outdir/logs/shard-%a.out" \
    --export="ALL,RENEWPLAN_BIN=$bin" \
    "$here/renewplan-array.sbatch" "$scenario" "$samples" "$shards" "$outdir" "$seed") \
    || die "sbatch of the shard array failed"
array_id=${array_out%%;*}
[[ $array_id =~ ^[0-9]+$ ]] || die "unexpected sbatch output: '$array_out'"
echo "submitted shard array job $array_id (tasks 1-$shards, $samples samples, logs in $outdir/logs)"

merge_out=$(sbatch --parsable ${extra[@]+"${extra[@]}"} \
    --dependency="afterok:$array_id" --kill-on-invalid-dep=yes --chdir="$outdir" \
    --output="$outdir/logs/merge.out" --error="$outdir/logs/merge.out" \
    --export="ALL,RENEWPLAN_BIN=$bin" \
    "$here/renewplan-merge.sbatch" "$shards" "$outdir") || {
    scancel "$array_id" || true
    die "sbatch of the merge job failed; cancelled array job $array_id"
}
merge_id=${merge_out%%;*}
[[ $merge_id =~ ^[0-9]+$ ]] || die "unexpected sbatch output: '$merge_out'"
echo "submitted merge job $merge_id (after all of $array_id succeed; result in $outdir/merged)"
echo "ARRAY_JOB_ID=$array_id"
echo "MERGE_JOB_ID=$merge_id"
