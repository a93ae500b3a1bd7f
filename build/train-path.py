#!/usr/bin/env python3
"""Counts the source files and folders the Train path runs through, from build.sh to the sealed run: trains
experiments/ci-smoke.yaml (the shared sample) into a temp folder with .NET's JIT summary on, maps every MalariaLab type
that ran to the file that declares it, and prints the files by folder. Build first; usage: build/train-path.py [SPEC]."""
import collections, glob, os, re, subprocess, sys, tempfile
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
dll = glob.glob(os.path.join(root, "src/MalariaLab.Cli/bin/Release/*/MalariaLab.Cli.dll"))[0]
spec = sys.argv[1] if len(sys.argv) > 1 else "experiments/ci-smoke.yaml"
with tempfile.TemporaryDirectory(prefix="train-path.") as temp:
    jit = os.path.join(temp, "jit.txt")
    env = dict(os.environ, DOTNET_JitStdOutFile=jit, DOTNET_JitDisasmSummary="1", MALARIALAB_CALLER_DIR=root)
    subprocess.run(["dotnet", dll, "train", f"--experiment={spec}", "--mirror=../shared/data", f"--artifacts={temp}/artifacts"],
                   cwd=root, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ran = {m.group(1).split("+")[0].split("`")[0] for m in re.finditer(r"JIT compiled (MalariaLab[\w.+`]*?)(?:\[[^\]]*\])?:", open(jit).read())}
declared = collections.defaultdict(set)
for path in glob.glob(os.path.join(root, "src/**/*.cs"), recursive=True):
    if "/obj/" in path or "/bin/" in path: continue
    text = open(path, encoding="utf-8").read()
    namespace = re.search(r"namespace ([\w.]+)", text)
    for m in re.finditer(r"\b(?:class|record|struct|interface|enum)\s+(\w+)", text):
        declared[(namespace.group(1) if namespace else "") + "." + m.group(1)].add(os.path.relpath(path, root))
# build.sh reads build/targets.tsv and starts the CLI, whose top-level Program.cs is no MalariaLab type.
files = {"build.sh", "build/targets.tsv", "src/MalariaLab.Cli/Program.cs"} | {f for t in ran for f in declared.get(t, ())}
folders = collections.Counter(os.path.dirname(f) or "." for f in files)
for folder, count in sorted(folders.items()):
    print(f"{count:3} {folder}: " + " ".join(sorted(os.path.basename(f) for f in files if (os.path.dirname(f) or ".") == folder)))
print(f"{len(files)} files in {len(folders)} folders")
