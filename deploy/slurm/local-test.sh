#!/bin/bash
# End-to-end test of the Slurm deployment on THIS machine (Debian, as root):
#
#   1. installs Slurm and MUNGE from Debian's packages (skipped when present),
#   2. configures a one-node cluster on loopback in a private directory
#      (its own slurm.conf, munge key and socket, non-default ports, so a
#      system Slurm or munged, if any, is neither used nor disturbed),
#   3. starts munged, slurmctld and slurmd as root,
#   4. submits the shard array and the merge job with submit.sh,
#   5. waits for them (bounded), runs one unsharded `renewplan run` with the
#      same scenario, samples and seed, and checks that the merged
#      samples.csv, hourly-median.csv and scenario.toml are byte-identical to
#      it and summary.json is equal except its "timing" field,
#   6. stops the daemons it started (also on failure or Ctrl-C).
#
# Prints "local-test: PASS ..." and exits 0, or "local-test: FAIL: <why>" and
# exits 1. Safe to run again: it starts from a clean private directory.
#
#   deploy/slurm/local-test.sh
#
# Environment (all optional):
#   RENEWPLAN_BIN     binary to test (default: target/release/renewplan of
#                     this checkout, built with `cargo build --release` if absent)
#   TEST_DIR          private directory (default /var/tmp/renewplan-slurm-test)
#   TEST_SAMPLES      total samples (default 800)
#   TEST_SHARDS       shards = array tasks (default 4)
#   TEST_SEED         seed (default 7)
#   TEST_TIMEOUT      seconds to wait for the jobs (default 600)
#   TEST_PORT         slurmctld port; slurmd uses TEST_PORT+1 (default 16817)
#   TEST_KEEP=1       leave the daemons running at the end (to inspect them
#                     with SLURM_CONF=$TEST_DIR/etc/slurm.conf squeue ...)
set -uo pipefail

t_start=$(date +%s)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${TEST_DIR:-/var/tmp/renewplan-slurm-test}
samples=${TEST_SAMPLES:-800}
shards=${TEST_SHARDS:-4}
seed=${TEST_SEED:-7}
timeout=${TEST_TIMEOUT:-600}
port=${TEST_PORT:-16817}
conf=$dir/etc/slurm.conf

log() { echo "local-test: $*"; }
fail() {
    echo "local-test: FAIL: $*" >&2
    exit 1
}

# Kill one process we started, by pid, after checking it is still the
# program we started (pids are reused); wait up to 10 s, then SIGKILL.
stop_pid() { # name pid
    local name=$1 pid=$2 i
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    [[ "$(cat /proc/"$pid"/comm 2>/dev/null)" == "$name"* ]] || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
}

# slurmstepd processes of this test cluster (environment holds our SLURM_CONF).
our_stepds() {
    local p
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = slurmstepd ] || continue
        tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "SLURM_CONF=$conf" && echo "$p"
    done
}

stop_daemons() {
    # Cancel our jobs first so that slurmd cleans up their steps.
    if [ -n "${slurmctld_pid:-}" ] && kill -0 "$slurmctld_pid" 2>/dev/null; then
        for id in ${array_id:-} ${merge_id:-}; do scancel "$id" 2>/dev/null; done
    fi
    # Batch steps (slurmstepd, started by our slurmd, so with our SLURM_CONF in
    # their environment) report to slurmd as they end: let them finish first.
    local i pids
    for ((i = 0; i < 150; i++)); do
        pids=$(our_stepds)
        [ -n "$pids" ] || break
        [ "$i" = 100 ] && kill -TERM $pids 2>/dev/null
        sleep 0.1
    done
    pids=$(our_stepds)
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null
    stop_pid slurmd "${slurmd_pid:-}"
    stop_pid slurmctld "${slurmctld_pid:-}"
    stop_pid munged "${munged_pid:-}"
    rm -f "$dir/run/"*.pid
}

# Daemons left over from an earlier, killed run of this script (pid files in
# our private directory): stop them so the ports and the socket are free.
stop_leftovers() {
    local name
    for name in slurmd slurmctld munged; do
        [ -f "$dir/run/$name.pid" ] && stop_pid "$name" "$(cat "$dir/run/$name.pid")"
    done
    rm -f "$dir/run/"*.pid
}

on_exit() {
    local rc=$?
    if [ "${TEST_KEEP:-0}" = 1 ] && [ -n "${slurmctld_pid:-}" ]; then
        log "TEST_KEEP=1: daemons left running (slurmctld $slurmctld_pid, slurmd ${slurmd_pid:-}, munged ${munged_pid:-});"
        log "  use: SLURM_CONF=$dir/etc/slurm.conf squeue; rerun this script to stop and restart them"
    else
        stop_daemons
        [ -n "${slurmctld_pid:-}${munged_pid:-}" ] && log "stopped the daemons this script started"
    fi
    if [ -n "${hosts_added:-}" ]; then
        # Rewrite in place (not sed -i): /etc/hosts may be a bind mount.
        hosts=$(grep -v '# renewplan-slurm-test$' /etc/hosts) && printf '%s\n' "$hosts" >/etc/hosts
    fi
    if [ -n "${policy_added:-}" ]; then rm -f /usr/sbin/policy-rc.d; fi
    log "took $(($(date +%s) - t_start)) s"
    exit "$rc"
}
trap on_exit EXIT
trap 'fail "interrupted"' INT TERM

show_logs() {
    local f
    for f in "$dir"/log/slurmctld.log "$dir"/log/slurmd.log "$dir"/log/munged.log "$dir"/results/logs/*.out; do
        [ -s "$f" ] || continue
        echo "----- last lines of $f -----" >&2
        tail -n 15 "$f" >&2
    done
}

# ---------------------------------------------------------------- checks
[ "$(id -u)" = 0 ] || fail "must run as root (it installs packages and starts daemons)"
command -v apt-get >/dev/null || fail "apt-get not found: this script is for Debian (or derivatives)"
command -v python3 >/dev/null || fail "python3 not found (needed to compare summary.json)"
for v in samples shards seed timeout port; do
    [[ ${!v} =~ ^[0-9]+$ ]] || fail "TEST_${v^^} must be a non-negative integer, got '${!v}'"
done
[ "$samples" -ge 1 ] && [ "$shards" -ge 1 ] || fail "TEST_SAMPLES and TEST_SHARDS must be at least 1"
case $dir in /*) ;; *) fail "TEST_DIR must be an absolute path, got '$dir'" ;; esac
[ "$dir" != / ] || fail "TEST_DIR must not be /"

# ---------------------------------------------------------------- install
need_install=
for c in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "$c" >/dev/null || need_install=1
done
if [ -n "$need_install" ]; then
    log "installing Slurm and MUNGE from Debian's packages (apt-get)"
    # Keep the packages' maintainer scripts from starting the system daemons.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_added=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q >"$dir.apt.log" 2>&1 || { tail -n 20 "$dir.apt.log" >&2; fail "apt-get update failed"; }
    timeout 900 apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge >>"$dir.apt.log" 2>&1 ||
        { tail -n 20 "$dir.apt.log" >&2; fail "apt-get install slurmctld slurmd slurm-client munge failed (log: $dir.apt.log)"; }
    if [ -n "${policy_added:-}" ]; then rm -f /usr/sbin/policy-rc.d; policy_added=; fi
    rm -f "$dir.apt.log"
fi
log "slurm $(slurmctld -V 2>/dev/null | awk '{print $2}'), munge $(munged -V 2>/dev/null | awk '{print $1}' | sed 's/munge-//')"

# ---------------------------------------------------------------- binary
bin=${RENEWPLAN_BIN:-$repo/target/release/renewplan}
if [ -z "${RENEWPLAN_BIN:-}" ] && [ ! -x "$bin" ]; then
    log "building $bin (cargo build --release)"
    (cd "$repo" && cargo build --release -q) || fail "cargo build --release failed"
fi
[ -x "$bin" ] || fail "renewplan binary not found or not executable: $bin"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
log "binary: $bin ($("$bin" --version))"

# ---------------------------------------------------------------- clean state
stop_leftovers
rm -rf "$dir"
mkdir -p "$dir"/{etc,run,log,state,spool,munge,results} || fail "cannot create $dir"
chmod 755 "$dir" "$dir/munge"

# ---------------------------------------------------------------- hostname
node=$(hostname -s)
[ -n "$node" ] || fail "hostname -s printed nothing"
if ! getent hosts "$node" >/dev/null; then
    echo "127.0.0.1 $node # renewplan-slurm-test" >>/etc/hosts && hosts_added=1
    log "added '127.0.0.1 $node' to /etc/hosts (removed at exit)"
fi

# ---------------------------------------------------------------- munge
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none || fail "cannot write the munge key"
chmod 400 "$dir/munge/munge.key"
socket=$dir/munge/munge.socket
munged -F --force --key-file="$dir/munge/munge.key" --socket="$socket" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed" \
    >>"$dir/log/munged.log" 2>&1 &
munged_pid=$!
echo "$munged_pid" >"$dir/run/munged.pid"
for ((i = 0; i < 100; i++)); do [ -S "$socket" ] && break; sleep 0.1; done
kill -0 "$munged_pid" 2>/dev/null || { show_logs; fail "munged exited at start"; }
[ -S "$socket" ] || { show_logs; fail "munged did not create its socket $socket within 10 s"; }
echo ok | munge -S "$socket" | unmunge -S "$socket" >/dev/null 2>&1 || { show_logs; fail "munge/unmunge round trip failed"; }
log "munged running (pid $munged_pid)"

# ---------------------------------------------------------------- slurm.conf
# CPUs, sockets, cores and memory as slurmd itself detects them.
hw=$(slurmd -C 2>/dev/null | head -n 1)
cpus=$(sed -n 's/.*\bCPUs=\([0-9]*\).*/\1/p' <<<"$hw")
mem=$(sed -n 's/.*\bRealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
[ -n "$cpus" ] || cpus=$(nproc)
[ -n "$mem" ] || mem=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
log "node $node: $cpus CPUs, $mem MiB"
cat >"$conf" <<EOF
# One-node test cluster on loopback, written by deploy/slurm/local-test.sh.
ClusterName=renewplantest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: plain process tracking, no task containment, no accounting.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=3600
SlurmdTimeout=60
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$conf
# Slurm's client commands must not pick up settings meant for another cluster.
unset SLURM_JOB_ID SLURM_CLUSTERS SBATCH_PARTITION SBATCH_ACCOUNT SBATCH_EXPORT

# ---------------------------------------------------------------- slurm daemons
slurmctld -D -i -f "$conf" >>"$dir/log/slurmctld.out" 2>&1 &
slurmctld_pid=$!
for ((i = 0; i < 300; i++)); do
    scontrol ping 2>/dev/null | grep -q 'is UP' && break
    kill -0 "$slurmctld_pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$slurmctld_pid" 2>/dev/null || { cat "$dir/log/slurmctld.out" >&2; show_logs; fail "slurmctld exited at start"; }
scontrol ping 2>/dev/null | grep -q 'is UP' || { show_logs; fail "slurmctld did not answer scontrol ping within 30 s"; }
log "slurmctld running (pid $slurmctld_pid)"

slurmd -D -f "$conf" >>"$dir/log/slurmd.out" 2>&1 &
slurmd_pid=$!
state=
for ((i = 0; i < 120; i++)); do
    kill -0 "$slurmd_pid" 2>/dev/null || break
    state=$(sinfo -h -n "$node" -o %T 2>/dev/null | head -n 1)
    case $state in
        idle*) break ;;
        down* | drain*) scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 ;;
    esac
    sleep 0.5
done
kill -0 "$slurmd_pid" 2>/dev/null || { cat "$dir/log/slurmd.out" >&2; show_logs; fail "slurmd exited at start"; }
[[ $state == idle* ]] || {
    sinfo -R >&2
    show_logs
    fail "node $node is '$state', not idle, 60 s after starting slurmd"
}
log "slurmd running (pid $slurmd_pid); node $node idle"

# ---------------------------------------------------------------- submit
results=$dir/results
log "submitting: submit.sh default $samples $shards $results (seed $seed)"
sub=$(RENEWPLAN_BIN=$bin RENEWPLAN_SEED=$seed RENEWPLAN_SBATCH_ARGS= "$here/submit.sh" default "$samples" "$shards" "$results" 2>&1)
rc=$?
echo "$sub" | sed 's/^/  | /'
[ $rc = 0 ] || fail "submit.sh exited with status $rc"
array_id=$(sed -n 's/^ARRAY_JOB_ID=//p' <<<"$sub")
merge_id=$(sed -n 's/^MERGE_JOB_ID=//p' <<<"$sub")
[ -n "$array_id" ] && [ -n "$merge_id" ] || fail "could not read the job ids from submit.sh's output"

# ---------------------------------------------------------------- wait
job_state() { scontrol show job -o "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort | uniq -c | tr -s ' ' | paste -sd, -; }
t0=$(date +%s)
last=
while :; do
    mstate=$(scontrol show job -o "$merge_id" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
    now="array: $(job_state "$array_id"); merge: ${mstate:-?}"
    [ "$now" = "$last" ] || log "$(($(date +%s) - t0)) s: $now"
    last=$now
    case $mstate in
        COMPLETED) break ;;
        FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED)
            show_logs
            fail "merge job $merge_id ended $mstate ($(scontrol show job -o "$merge_id" | grep -o 'Reason=[^ ]*'))"
            ;;
    esac
    if [ "$(($(date +%s) - t0))" -ge "$timeout" ]; then
        squeue >&2
        show_logs
        fail "jobs not finished after ${timeout} s (TEST_TIMEOUT)"
    fi
    kill -0 "$slurmctld_pid" 2>/dev/null || { show_logs; fail "slurmctld died while waiting"; }
    kill -0 "$slurmd_pid" 2>/dev/null || { show_logs; fail "slurmd died while waiting"; }
    sleep 1
done
wait_s=$(($(date +%s) - t0))
bad=$(scontrol show job -o "$array_id" | grep -o 'JobState=[A-Z_]*' | grep -vc 'JobState=COMPLETED')
[ "$bad" = 0 ] || { show_logs; fail "$bad array task(s) of job $array_id did not complete"; }
log "array job $array_id ($shards tasks) and merge job $merge_id COMPLETED in $wait_s s"
sed 's/^/  | /' "$results/logs/merge.out" | tail -n 3

# ---------------------------------------------------------------- compare
single=$dir/single
log "reference: $(basename "$bin") run -n $samples --seed $seed -o $single -q"
"$bin" run -n "$samples" --seed "$seed" -o "$single" -q >"$dir/log/single.out" 2>&1 ||
    { cat "$dir/log/single.out" >&2; fail "the single run failed"; }

merged=$results/merged
problems=()
for f in samples.csv hourly-median.csv scenario.toml summary.json; do
    [ -f "$merged/$f" ] || problems+=("merged/$f missing")
    [ -f "$single/$f" ] || problems+=("single/$f missing")
done
[ ${#problems[@]} = 0 ] || fail "${problems[*]}"
for f in samples.csv hourly-median.csv scenario.toml; do
    if cmp -s "$merged/$f" "$single/$f"; then
        log "$f: byte-identical ($(wc -c <"$merged/$f") bytes, $(wc -l <"$merged/$f") lines)"
    else
        problems+=("$f differs: $(cmp "$merged/$f" "$single/$f" 2>&1 | head -n 1)")
    fi
done
extra=$(cd "$merged" && ls -A | sort | paste -sd' ')
[ "$extra" = "$(cd "$single" && ls -A | sort | paste -sd' ')" ] || problems+=("different file sets: merged has '$extra', single has '$(cd "$single" && ls -A | sort | paste -sd' ')'")
cmpjson=$(python3 - "$merged/summary.json" "$single/summary.json" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ta, tb = a.pop("timing", None), b.pop("timing", None)
if ta is None or tb is None:
    print("summary.json has no 'timing' field"); sys.exit(1)
def diff(x, y, path="$"):
    if type(x) is not type(y):
        return [f"{path}: {x!r} vs {y!r}"]
    if isinstance(x, dict):
        out = [f"{path}.{k}: only in one" for k in sorted(set(x) ^ set(y))]
        for k in sorted(set(x) & set(y)):
            out += diff(x[k], y[k], f"{path}.{k}")
        return out
    if isinstance(x, list):
        if len(x) != len(y):
            return [f"{path}: lengths {len(x)} vs {len(y)}"]
        return [d for i, (p, q) in enumerate(zip(x, y)) for d in diff(p, q, f"{path}[{i}]")]
    return [] if x == y else [f"{path}: {x!r} vs {y!r}"]
d = diff(a, b)
if d:
    print(f"{len(d)} difference(s), first: " + "; ".join(d[:5])); sys.exit(1)
print(f"equal except 'timing' ({len(a)} top-level fields; run = {a.get('run')})")
EOF
) || problems+=("summary.json: $cmpjson")
[ ${#problems[@]} = 0 ] || fail "merged result differs from the single run: $(printf '%s; ' "${problems[@]}")"
log "summary.json: $cmpjson"
log "PASS: Slurm array ($shards shards, $samples samples in all, seed $seed) + merge job == one single run"
