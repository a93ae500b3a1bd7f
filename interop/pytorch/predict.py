#!/usr/bin/env python3
"""Classify red-blood-cell crops with a MalariaLab run's weights, in plain PyTorch.

    python3 interop/pytorch/predict.py --weights RUN/weights/best.safetensors IMAGE_OR_FOLDER...

Prints the CSV MalariaLab's `predict` prints (path,probability_parasitized,label; plus error when an input is
unreadable, exit code 4). Size, interpolation, scale and class names come from the file's metadata; the decision
threshold is --threshold, else the file's (runs published before model files left it out), else 0.5.
Needs numpy, torch and Pillow only.
"""
import argparse
import io
import os
import sys
import zipfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import network  # noqa: E402
import preprocess  # noqa: E402
import safetensors_numpy  # noqa: E402

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff")
BATCH = 256


def inputs(paths):
    """(name, source) per image: files in folders (recursively), files, and the images in a zip, named as Predict
    names them (ZIP!entry). A source is a path or an in-memory file."""
    for path in paths:
        if os.path.isdir(path):
            found = []
            for root, _, files in os.walk(path):
                found += [os.path.join(root, f) for f in files if f.lower().endswith(EXTENSIONS)]
            yield from ((f, f) for f in sorted(found))
        elif path.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                for name in sorted(n for n in archive.namelist() if n.lower().endswith(EXTENSIONS)):
                    yield f"{path}!{name}", io.BytesIO(archive.read(name))
        else:
            yield path, path


def number(p):
    """The shortest round-trip text of the float32 probability widened to double, as .NET's "R" writes it."""
    text = repr(float(p))
    return text.replace("e-0", "E-0").replace("e-", "E-").replace("e+", "E+")


def quote(field):
    return '"' + field.replace('"', '""') + '"' if any(c in field for c in ',"\n\r') else field


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True, help="a run's weights/best.safetensors (or last.safetensors)")
    parser.add_argument("inputs", nargs="+", help="image files, folders (searched recursively) or zips")
    for key in ("size", "interpolation", "scale"):
        parser.add_argument(f"--{key}", help=f"{key} when the file's metadata has none (runs published before it was recorded)")
    parser.add_argument("--threshold", help="P(Parasitized) at or above which the label is Parasitized (default: 0.5)")
    args = parser.parse_args(argv)

    tensors, meta = safetensors_numpy.load(args.weights)
    if args.threshold is not None:
        meta["threshold"] = args.threshold
    meta.setdefault("threshold", "0.5")
    for key in ("size", "interpolation", "scale"):
        if getattr(args, key) is not None:
            if key in meta and meta[key] != getattr(args, key):
                raise SystemExit(f"--{key}={getattr(args, key)}: the file's metadata says {meta[key]}")
            meta[key] = getattr(args, key)
    for key in ("arch", "size", "interpolation", "scale", "threshold"):
        if key not in meta:
            raise SystemExit(f"{args.weights}: metadata has no '{key}' (older run?); pass --{key} (the run's spec.yaml has it)")
    if meta["arch"] != "seed-cnn":
        raise SystemExit(f"{args.weights}: arch {meta['arch']!r}; this kit implements seed-cnn only (use the run's ONNX file)")
    size, scale, threshold = int(meta["size"]), float(meta["scale"]), float(meta["threshold"])
    positive, negative = "Parasitized", "Uninfected"
    torch.set_num_threads(int(os.environ.get("MALARIALAB_THREADS", "2")))
    model = network.SeedCnn.from_state(tensors, size)

    rows, batch = [], []

    def flush():
        if not batch:
            return
        with torch.no_grad():
            x = preprocess.to_tensor_input(np.stack([pixels for _, pixels in batch]), scale)
            p = torch.sigmoid(model(x).squeeze(1)).numpy()
        for (path, _), prob in zip(batch, p):
            rows.append((path, number(prob), positive if prob >= threshold else negative, None))
        batch.clear()

    for path, source in inputs(args.inputs):
        try:
            batch.append((path, preprocess.load(source, size, meta["interpolation"])))
        except (OSError, ValueError, SyntaxError) as e:
            rows.append((path, "", "", f"{path}: unreadable image ({type(e).__name__}: {e})"))
        if len(batch) == BATCH:
            flush()
    flush()
    rows.sort(key=lambda r: r[0].encode("utf-8"))
    errors = any(r[3] is not None for r in rows)
    out = sys.stdout
    out.write("path,probability_parasitized,label,error\n" if errors else "path,probability_parasitized,label\n")
    for path, p, label, error in rows:
        fields = [path, p, label] + ([error or ""] if errors else [])
        out.write(",".join(quote(f) for f in fields) + "\n")
    return 4 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
