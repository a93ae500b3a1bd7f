#!/usr/bin/env bash
# Regression guard for Training/, Models/, Prepare/ and Augmentation/: builds REV in a temporary git worktree, then
# alternates Bench rounds of REV and of the working tree (same data, threads and repeats, one process at a time) and
# prints every images/s and latency figure with its ratio, working tree / REV (median over rounds; > 1 is faster,
# except for latencies, where < 1 is).
# usage: build/bench-compare.sh REV [ROUNDS=3] [THREADS=2]   (extra Bench options via BENCH_ARGS, e.g. --repeats=1;
#        BENCH_KEEP=1 keeps the temporary folder with every round's JSON and log, and prints where it is)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rev="${1:?usage: build/bench-compare.sh REV [ROUNDS] [THREADS]}" rounds="${2:-3}" threads="${3:-2}"
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")"
trap 'git -C "$root" worktree remove --force "$work/rev" >/dev/null 2>&1 || true; [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work/rev" "$rev" >/dev/null
ln -sfn "$(cd "$root/.." && pwd)/shared" "$work/shared" 2>/dev/null || true # ../shared beside the worktree
echo "building $rev and the working tree${BENCH_KEEP:+ (rounds kept in $work)}" >&2
dotnet build "$work/rev/MalariaLab.slnx" -c Release -nologo -v quiet >&2
dotnet build "$root/MalariaLab.slnx" -c Release -nologo -v quiet >&2
bench() { # tree, output
  (cd "$1" && dotnet src/MalariaLab.Cli/bin/Release/net10.0/MalariaLab.Cli.dll bench --set=train.threads="$threads" \
     --mirror="$root/../shared/data" --artifacts="$work/artifacts-$(basename "$1")" --output="$2" ${BENCH_ARGS:-} >/dev/null 2>"$2.log")
}
# The order flips every round (REV first in odd rounds, the working tree first in even ones): with REV always first,
# figures neither side had changed (prepare, inference) came out 0.91-1.33x, mostly in the second process's favour,
# in two 2-round comparisons. Use an even ROUNDS.
for round in $(seq "$rounds"); do
  echo "round $round of $rounds" >&2
  if (( round % 2 )); then
    bench "$work/rev" "$work/rev-$round.json"; bench "$root" "$work/tree-$round.json"
  else
    bench "$root" "$work/tree-$round.json"; bench "$work/rev" "$work/rev-$round.json"
  fi
done
python3 - "$work" "$rounds" "$rev" <<'PY'
import json, statistics, sys
work, rounds, rev = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def figures(path):
    d = json.load(open(path)); out = {}
    for k, v in d.items():
        if isinstance(v, dict): out.update({f"{k}.{n}": x for n, x in v.items() if k == "train_images_per_second"})
        elif isinstance(v, (int, float)) and not isinstance(v, bool) and ("per_second" in k or "latency" in k or k.startswith("peak_rss")): out[k] = v
    return out
old = [figures(f"{work}/rev-{r}.json") for r in range(1, rounds + 1)]
new = [figures(f"{work}/tree-{r}.json") for r in range(1, rounds + 1)]
print(f"| figure | {rev} (median of {rounds}) | working tree | ratio |\n| --- | --- | --- | --- |")
for k in old[0]:
    a = statistics.median(o[k] for o in old); b = statistics.median(n.get(k, float("nan")) for n in new)
    print(f"| {k} | {a:,.1f} | {b:,.1f} | {b / a:.3f} |")
PY
