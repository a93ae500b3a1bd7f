#!/usr/bin/env python3
"""The table build/peer-compare.sh ends with: per round, Bench's images/s (bench-R.json) over the tuned peer's
(peer-R.txt, lines 'peer-tuned ... mode=M ... batch=B img_per_s=X'), and beside it Bench's convolution bound over the
peer's rate: the ratio the network's convolutions alone would reach, a ceiling for the whole step's.
usage: peer-ratios.py FOLDER ROUNDS"""
import json, re, sys

folder, rounds = sys.argv[1], int(sys.argv[2])
figures = [("train batch 8", "train", 8), ("train batch 64", "train", 64), ("train batch 128", "train", 128), ("inference batch 256", "infer", 256)]

def peer(round_):
    rates = {}
    for line in open(f"{folder}/peer-{round_}.txt"):
        m = re.match(r"peer-tuned .*mode=(\w+) .*batch=(\d+) img_per_s=([\d.]+)", line)
        if m: rates[(m[1], int(m[2]))] = float(m[3])
    return rates

def bench(b, mode, batch):
    if mode == "infer": return b["inference_batch256_images_per_second"], b.get("inference_convolution_bound_images_per_second")
    return b["train_images_per_second"][f"batch_{batch}"], (b.get("train_convolution_bound_images_per_second") or {}).get(f"batch_{batch}")

rows = {name: [] for name, _, _ in figures}
rows["inference batch 256, bf16"] = []
rows["augmented share of plain (batch 8 / 64)"] = []
for r in range(1, rounds + 1):
    b, p = json.load(open(f"{folder}/bench-{r}.json")), peer(r)
    for name, mode, batch in figures:
        ours, bound = bench(b, mode, batch)
        theirs = p.get((mode, batch))
        cell = f"{ours:,.0f} / {theirs:,.0f} = **{ours / theirs:.2f}x**" if theirs else f"{ours:,.0f} / –"
        if theirs and bound: cell += f" (bound {bound:,.0f} = {bound / theirs:.2f}x)"
        rows[name].append(cell)
    bf16, theirs = b.get("inference_bf16_batch256_images_per_second"), p.get(("infer", 256))
    rows["inference batch 256, bf16"].append(f"{bf16:,.0f} / {theirs:,.0f} = **{bf16 / theirs:.2f}x**" if bf16 and theirs else "not measured")
    t = b["train_images_per_second"]
    rows["augmented share of plain (batch 8 / 64)"].append(" / ".join(
        f"{t[f'batch_{n}_augmented'] / t[f'batch_{n}']:.0%}" for n in (8, 64) if f"batch_{n}_augmented" in t))

print("\n| Bench / tuned peer, images/s | " + " | ".join(f"round {r}" for r in range(1, rounds + 1)) + " |")
print("| --- |" + " --- |" * rounds)
for name, cells in rows.items(): print(f"| {name} | " + " | ".join(cells) + " |")
