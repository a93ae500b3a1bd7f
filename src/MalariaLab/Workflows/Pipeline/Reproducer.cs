using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>Reproduce: retrains a published run from its resolved spec, seed and thread count, then compares
/// data, split, spec, weights and metrics byte for byte. Code and environment differences are reported as the
/// likely cause when something differs.</summary>
public static class Reproducer
{
    public sealed record Verdict(RunFolder Original, RunFolder Reproduction, List<string> Differences, List<string> Context)
    {
        public bool Identical => Differences.Count == 0;
    }

    public static Verdict Reproduce(RunFolder original, PipelineOptions options, ILog log)
    {
        RunManifest.RefuseEnsemble(original.Path, "reproduce", "reproduce each member run");
        var before = RunManifest.Read(original.Path);
        RunSeal.Verify(original, before);
        var spec = SpecLoader.LoadFile(original.File("spec.yaml"));
        log.Info($"reproduce: retraining {original.Path} (seed {spec.Seed}, {before.Threads} threads)");
        var settings = new RunSettings(Rerun: new HashSet<string> { "train", "evaluate", "publish" }, Threads: before.Threads);
        var copy = new Orchestrator(spec, options with { Force = false }, log, settings).TrainEvaluatePublish();
        var after = RunManifest.Read(copy.Path);
        var verdict = new Verdict(original, copy, Compare(before, after), Context(before, after));
        log.Info(verdict.Identical
            ? $"reproduce: IDENTICAL — split {after.SplitHash[..12]}, weights and metrics byte-identical ({copy.Path})"
            : "reproduce: MISMATCH\n" + string.Join("\n", verdict.Differences.Select(d => "  - " + d))
              + (verdict.Context.Count > 0 ? "\n  possible causes:\n" + string.Join("\n", verdict.Context.Select(c => "  - " + c)) : ""));
        return verdict;
    }

    /// <summary>What must be equal for a reproduction: data, split, spec, weights and evaluation outputs.</summary>
    public static List<string> Compare(RunManifest a, RunManifest b)
    {
        var differences = new List<string>();
        void Check(string what, string? x, string? y) { if (x != y) differences.Add($"{what}: {x} vs {y}"); }
        Check("data (dataset fingerprint)", a.DatasetFingerprint, b.DatasetFingerprint);
        Check("split hash", a.SplitHash, b.SplitHash);
        Check("spec hash", a.SpecHash, b.SpecHash);
        Check("thread count", a.Threads.ToString(), b.Threads.ToString());
        Check("epochs run", a.EpochsRun.ToString(), b.EpochsRun.ToString());
        // history.csv is left out: it holds wall-clock seconds. Its metrics follow from the weights.
        // Every model file (weights, safetensors, ONNX) byte for byte: they carry no run id, time or path.
        var modelFiles = a.Files.Keys.Concat(b.Files.Keys).Where(f => f.StartsWith("weights/", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal);
        foreach (var file in modelFiles.Concat(["metrics.json", "predictions.csv"]))
            Check(file, a.Files.GetValueOrDefault(file), b.Files.GetValueOrDefault(file));
        return differences;
    }

    static List<string> Context(RunManifest a, RunManifest b)
    {
        var context = new List<string>();
        if (a.Environment.Code != b.Environment.Code)
        {
            context.Add($"code: {a.Environment.Code} vs {b.Environment.Code} (git {a.Environment.GitCommit} vs {b.Environment.GitCommit})");
            var bins = a.Files.Keys.Where(f => f.StartsWith("weights/", StringComparison.Ordinal) && f.EndsWith(".bin", StringComparison.Ordinal)).ToList();
            if (bins.Count > 0 && bins.All(f => a.Files[f] == b.Files.GetValueOrDefault(f)))
                context.Add("the weights (weights/*.bin) are identical; the exported .safetensors/.onnx files record the code identity, so they differ with it");
        }
        if (a.Environment.Isa != b.Environment.Isa)
            context.Add($"CPU instruction set: {a.Environment.Isa} vs {b.Environment.Isa} (oneDNN picks kernels by ISA: results are bitwise equal only at the same ISA and thread count)");
        if (a.Environment.GitDirty || b.Environment.GitDirty) context.Add("uncommitted code changes (git dirty)");
        if (a.Environment.LibTorchVersion != b.Environment.LibTorchVersion || a.Environment.TorchSharpVersion != b.Environment.TorchSharpVersion)
            context.Add($"TorchSharp/LibTorch: {a.Environment.TorchSharpVersion}/{a.Environment.LibTorchVersion} vs {b.Environment.TorchSharpVersion}/{b.Environment.LibTorchVersion}");
        if (a.Environment.CpuModel != b.Environment.CpuModel) context.Add($"CPU: {a.Environment.CpuModel} vs {b.Environment.CpuModel}");
        if (a.Environment.Os != b.Environment.Os) context.Add($"OS: {a.Environment.Os} vs {b.Environment.Os}");
        return context;
    }
}
