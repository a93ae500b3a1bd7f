#!/usr/bin/env bash
# Side-by-side speed check against the PyTorch peer (../shared/peer): alternates rounds of the peer as users run
# it, the peer with glibc malloc tuned by environment, and MalariaLab's Bench, all at the same thread count, and
# prints every result line, then a table of the ratios round by round (build/peer-ratios.py), each with the ratio
# Bench's convolution bound would give. Needs Debian's python3-torch (see ../shared/peer/README.md).
# usage: build/peer-compare.sh [ROUNDS=3] [THREADS=2]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer="${MALARIALAB_PEER:-$root/../shared/peer}"
rounds="${1:-3}" threads="${2:-2}"
out="$(mktemp -d)"
run_peer() { # label, round, env...
  local label="$1" round="$2"; shift 2
  for job in "train 8 200 20" "train 64 60 10" "train 128 30 5" "infer 256 20 3"; do
    env "$@" /usr/bin/python3 "$peer/bench_synth.py" ${job%% *} "$threads" ${job#* } | sed "s/^RESULT/$label/" | tee -a "$out/peer-$round.txt"
  done
}
for round in $(seq "$rounds"); do
  echo "== round $round"
  run_peer peer-plain "$round"
  run_peer peer-tuned "$round" MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483647
  # Bench logs to stderr (stdout carries only results): read its lines there.
  "$root/build.sh" --target=Bench --set=train.threads="$threads" --output="$out/bench-$round.json" 2>&1 >/dev/null | grep -E "^bench: (train|inference|ceiling)"
done
# The ratios, round by round: Bench's JSON against the tuned peer's lines of the same round, with Bench's convolution
# bound beside them (a ratio the bound cannot reach is not a goal for the rest of the step).
python3 "$root/build/peer-ratios.py" "$out" "$rounds"
