#!/usr/bin/env bash
# The real-cluster test (Cake target Cluster; .ci/run calls it): installs Slurm and munge with apt-get, starts a
# one-node Slurm on this machine, submits the arrays `sweep --emit=slurm --gather` wrote for a tiny sweep (3 seeds)
# and a tiny 3-fold patient CV, waits for them, then checks every run is published, each gather job wrote its
# summary, and each run's weights equal those of the same point trained locally at the same thread count. One CV
# task is requeued (scontrol requeue) in the middle of its training: it must resume and still equal the local run.
# Stops every daemon it started, by PID, also on failure. Without root or apt-get it says why it skipped and succeeds.
set -euo pipefail
started=$SECONDS
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log() { echo "cluster: $*"; }
skip() { log "SKIPPED: $*"; exit 0; }
fail() { echo "cluster: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root to install Slurm and munge with apt-get and to run their daemons (running as $(id -un))"
command -v apt-get >/dev/null || skip "apt-get not found (the test installs Slurm from Debian/Ubuntu packages)"

cli="$root/src/MalariaLab.Cli/bin/Release/net10.0/MalariaLab.Cli.dll"
[ -f "$cli" ] || fail "$cli missing; expected the build (./build.sh --target=Cluster builds first)"
data="${MALARIALAB_SHARED_DATA:-$root/../shared/data}"
[ -f "$data/nih-cell-images-sample.zip" ] || fail "$data/nih-cell-images-sample.zip missing; expected the shared NIH sample (set MALARIALAB_SHARED_DATA)"
cpus_per_task=1       # also train.threads: the local reference runs use the same count
timeout_seconds=600   # for both arrays and gather jobs together

log "installing slurmctld slurmd slurm-client munge (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || log "apt-get update failed; trying the package lists already on this machine"
if ! apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null 2>&1; then
    skip "apt-get install slurmctld slurmd slurm-client munge failed (no package mirror reachable?)"
fi
log "slurm $(dpkg-query -W -f='${Version}' slurmctld) and munge $(dpkg-query -W -f='${Version}' munge) installed ($((SECONDS - started)) s)"

work="$(mktemp -d /tmp/malarialab-cluster.XXXXXX)"
chmod 755 "$work"
munged_pid="" ctld_pid="" slurmd_pid=""

# Stops exactly the daemons started here: slurmctld and slurmd via scontrol shutdown (then by PID if they linger), then munged.
cleanup() {
    local status=$?
    if [ -n "$ctld_pid" ]; then
        scontrol shutdown >/dev/null 2>&1 || true
        for _ in $(seq 1 50); do
            kill -0 "$ctld_pid" 2>/dev/null || { [ -n "$slurmd_pid" ] && kill -0 "$slurmd_pid" 2>/dev/null; } || break
            sleep 0.2
        done
    fi
    for pid in $slurmd_pid $ctld_pid $munged_pid; do
        if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    done
    [ -n "$munged_pid$ctld_pid$slurmd_pid" ] && log "stopped the daemons started here (pids: ${slurmd_pid:-none} ${ctld_pid:-none} ${munged_pid:-none})"
    if [ "$status" != 0 ]; then
        for f in "$work"/slurmctld.log "$work"/slurmd.log; do [ -f "$f" ] && { echo "--- last lines of $f" >&2; tail -n 20 "$f" >&2; }; done
        for f in "$work"/shared\ artifacts/sweeps/*/logs/*.log; do [ -f "$f" ] && { echo "--- last lines of $f" >&2; tail -n 10 "$f" >&2; }; done
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# munge: no systemd here, so start it by hand as user munge; reuse one that already runs (and leave it running).
install -d -o munge -g munge -m 755 /run/munge
if [ -f /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; then
    log "munged already running (pid $(cat /run/munge/munged.pid)); using it"
else
    [ -f /etc/munge/munge.key ] || runuser -u munge -- mungekey --create >/dev/null
    runuser -u munge -- munged
    munged_pid="$(cat /run/munge/munged.pid)"
    log "munged started (pid $munged_pid)"
fi

# slurm.conf from the template: this host, its CPUs, ~95% of its memory, state and logs under $work.
host="$(hostname -s)"
memory_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) * 95 / 100 / 1024 ))
export SLURM_CONF="$work/slurm.conf"   # every client command needs it (else it looks for DNS SRV records and stops)
mkdir -p "$work/state" "$work/spool"
sed -e "s|@HOST@|$host|g" -e "s|@USER@|$(id -un)|" -e "s|@DIR@|$work|g" -e "s|@CPUS@|$(nproc)|" -e "s|@MEMORY_MB@|$memory_mb|" \
    -e "s|@CTLD_PORT@|${MALARIALAB_SLURMCTLD_PORT:-6917}|" -e "s|@SLURMD_PORT@|${MALARIALAB_SLURMD_PORT:-6918}|" \
    "$root/build/cluster/slurm.conf.template" > "$SLURM_CONF"
slurmctld -f "$SLURM_CONF"
for _ in $(seq 1 50); do [ -s "$work/slurmctld.pid" ] && break; sleep 0.1; done
ctld_pid="$(cat "$work/slurmctld.pid")"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 50); do [ -s "$work/slurmd.pid" ] && break; sleep 0.1; done
slurmd_pid="$(cat "$work/slurmd.pid")"
for _ in $(seq 1 60); do [ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ] && break; sleep 0.5; done
[ "$(sinfo -h -N -o %t)" = idle ] || fail "node $host is '$(sinfo -h -N -o %t)' after 30 s; expected idle"
log "slurm up: slurmctld pid $ctld_pid, slurmd pid $slurmd_pid, node $host with $(nproc) CPUs, ${memory_mb} MB"

# The shared artifacts folder has a space in its name: the emitted scripts must quote it.
artifacts="$work/shared artifacts"
local_artifacts="$work/local"
mkdir -p "$artifacts"
cd "$root"
declare -A array_of gather_of
experiments=(ci-cluster-sweep ci-cluster-cv)
# The CV trains 6 epochs (not the spec's 1) so that a task can be requeued between epochs.
declare -A sets_of=([ci-cluster-sweep]="" [ci-cluster-cv]="--set=train.epochs=6")
for name in "${experiments[@]}"; do
    # shellcheck disable=SC2086
    submit="$(dotnet "$cli" sweep --experiment="experiments/$name.yaml" --mirror="$data" --artifacts="$artifacts" ${sets_of[$name]} \
        --emit=slurm --cpus=$cpus_per_task --throttle=2 --time=10 --mem=2G --gather 2>/dev/null | head -n 1)"
    ids="$(bash "$submit")"
    array_of[$name]="$(sed -n 's/^array=//p' <<<"$ids")"
    gather_of[$name]="$(sed -n 's/^gather=//p' <<<"$ids")"
    log "$name: submitted array job ${array_of[$name]} ($(sed -n 's/^#SBATCH --array=//p' "$(dirname "$submit")/sweep.slurm")), gather job ${gather_of[$name]} (afterok:${array_of[$name]})"
done

# Requeue the first CV task that has finished an epoch (its checkpoint is in the shared folder) while it trains on.
requeue_started=$SECONDS
requeued=""
while [ -z "$requeued" ] && [ $((SECONDS - requeue_started)) -lt $timeout_seconds ]; do
    for state in "$artifacts"/runs/ci-cluster-cv/*/resume/state.json; do
        [ -f "$state" ] || continue
        # Every running task is requeued: the one whose checkpoint this is among them.
        tasks="$(squeue -h -j "${array_of[ci-cluster-cv]}" -t RUNNING -o '%i' | tr '\n' ' ')"
        [ -n "${tasks// /}" ] || continue
        epoch="$(sed -n 's/.*"Epoch": *\([0-9]*\).*/\1/p' "$state" | head -n 1)"
        for task in $tasks; do scontrol requeue "$task"; done
        requeued="${tasks%% *}"
        log "ci-cluster-cv: requeued running array task(s) $tasks(scontrol requeue); $(basename "$(dirname "$(dirname "$state")")") had finished epoch $epoch of 6"
        break
    done
    sleep 0.2
done
[ -n "$requeued" ] || fail "ci-cluster-cv: no task reached a checkpoint while running; nothing was requeued"

waited=$SECONDS
all_jobs="$(IFS=,; echo "${array_of[*]},${gather_of[*]}")"
while [ -n "$(squeue -h -j "$all_jobs" -o %i 2>/dev/null)" ]; do
    [ $((SECONDS - waited)) -lt $timeout_seconds ] || fail "jobs $all_jobs still queued or running after $timeout_seconds s: $(squeue -h -j "$all_jobs" -o '%i %T %r' | tr '\n' ';')"
    sleep 2
done
log "all jobs left the queue after $((SECONDS - waited)) s"

# Every array task and the gather job COMPLETED with exit code 0 (scontrol keeps finished jobs for MinJobAge).
for name in "${experiments[@]}"; do
    states="$(scontrol -o show job "${array_of[$name]}" | grep -o 'JobState=[A-Z_]* .*ExitCode=[0-9:]*' | sed 's/JobState=\([A-Z_]*\).*ExitCode=\([0-9:]*\)/\1 \2/')"
    total="$(wc -l <<<"$states")"
    done_ok="$(grep -c '^COMPLETED 0:0$' <<<"$states" || true)"
    [ "$done_ok" = "$total" ] || fail "$name: array job ${array_of[$name]}: $done_ok of $total tasks completed: $(tr '\n' ';' <<<"$states")"
    log "$name: array job ${array_of[$name]}: $done_ok/$total array tasks COMPLETED (exit 0)"
    if [ "$name" = ci-cluster-cv ]; then
        restarts="$(scontrol -o show job "$requeued" | grep -o 'Restarts=[0-9]*' | head -n 1 | cut -d= -f2 || true)"
        [ "${restarts:-0}" -ge 1 ] || fail "ci-cluster-cv: task $requeued shows Restarts=${restarts:-none}; expected the requeue"
        resumed="$(find "$artifacts/sweeps/ci-cluster-cv" -name '*.log' -exec grep -h 'train: resuming after epoch' {} + | head -n 1 || true)"
        [ -n "$resumed" ] || fail "ci-cluster-cv: no task log says 'train: resuming after epoch' after the requeue"
        log "ci-cluster-cv: task $requeued restarted $restarts time(s) and said: $resumed"
    fi
    gather_state="$(scontrol -o show job "${gather_of[$name]}" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)"
    [ "$gather_state" = COMPLETED ] || fail "$name: gather job ${gather_of[$name]} is $gather_state; expected COMPLETED"
done

field() { sed -n "s|.*\"$2\": *\"\([^\"]*\)\".*|\1|p" "$1/manifest.json" | head -n 1; }

# Published runs and the gather summaries.
for name in "${experiments[@]}"; do
    published=()
    for run in "$artifacts/runs/$name"/*/; do
        [ -L "${run%/}" ] && continue  # runs/NAME/latest is a link to one of them
        [ "$(field "$run" status)" = published ] && published+=("$(basename "$run")")
    done
    [ "${#published[@]}" = 3 ] || fail "$name: ${#published[@]} published runs under $artifacts/runs/$name; expected 3 (one per array task)"
    log "$name: ${#published[@]} runs published: ${published[*]}"
done
sweep_summary="$(ls "$artifacts"/sweeps/ci-cluster-sweep/*/summary.md 2>/dev/null | head -n 1)"
[ -n "$sweep_summary" ] || fail "ci-cluster-sweep: the gather job wrote no sweeps/ci-cluster-sweep/<time>/summary.md"
log "ci-cluster-sweep: gather wrote ${sweep_summary#"$artifacts/"} (mean ± std over seeds: $(sed -n 3p "$sweep_summary"))"
cv_summary="$(ls "$artifacts"/runs/ci-cluster-cv/cv-summary-*.md 2>/dev/null | head -n 1)"
[ -n "$cv_summary" ] || fail "ci-cluster-cv: the gather job wrote no runs/ci-cluster-cv/cv-summary-<time>.md"
log "ci-cluster-cv: gather wrote ${cv_summary#"$artifacts/"} ($(grep 'mean ± std' "$cv_summary" | cut -c1-80)...)"

# The same points locally, same thread count, another artifacts folder (so nothing is reused): equal weights.
local_started=$SECONDS
local_runs=()
for i in 0 1 2; do
    local_runs+=("$(dotnet "$cli" train --experiment=experiments/ci-cluster-sweep.yaml --sweep-point=$i --mirror="$data" \
        --artifacts="$local_artifacts" --set=train.threads=$cpus_per_task 2>/dev/null)")
    local_runs+=("$(dotnet "$cli" train --experiment=experiments/ci-cluster-cv.yaml --fold=$i --mirror="$data" \
        --artifacts="$local_artifacts" --set=train.threads=$cpus_per_task --set=train.epochs=6 2>/dev/null)")
done
log "trained the 6 points locally in $((SECONDS - local_started)) s"
equal=0
for run in "${local_runs[@]}"; do
    name="$(basename "$(dirname "$run")")"
    spec_hash="$(field "$run" spec_hash)"
    local_weights="$(field "$run" 'weights/best.bin')$(field "$run" 'weights/last.onnx')"
    match=""
    for cluster_run in "$artifacts/runs/$name"/*/; do
        [ -L "${cluster_run%/}" ] && continue
        [ "$(field "$cluster_run" spec_hash)" = "$spec_hash" ] && match="${cluster_run%/}"
    done
    [ -n "$match" ] || fail "$name: no cluster run with spec hash ${spec_hash:0:12} (local run $run)"
    cluster_weights="$(field "$match" 'weights/best.bin')$(field "$match" 'weights/last.onnx')"
    [ -n "$local_weights" ] && [ "$local_weights" = "$cluster_weights" ] ||
        fail "$name: weights differ: cluster $(basename "$match") ${cluster_weights:0:16} vs local $(basename "$run") ${local_weights:0:16}"
    log "$name: cluster run $(basename "$match") weights/best.bin ${cluster_weights:0:16} = local run $(basename "$run")"
    equal=$((equal + 1))
done
log "weights equal to the local runs: $equal/${#local_runs[@]}"
log "PASSED in $((SECONDS - started)) s total"
