using System.Text.Json;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Tests.Support;

/// <summary>Writes a small but complete run folder by hand (no training), for Compare and Reproduce tests.</summary>
public static class HandMadeRun
{
    public static RunFolder Write(string folder, string yaml, double accuracy, string fingerprint = "f1f1f1f1f1f1f1f1f1f1", string split = "s1s1s1s1s1s1s1s1s1")
    {
        Directory.CreateDirectory(Path.Combine(folder, "weights"));
        var spec = SpecLoader.Parse(yaml, "hand.yaml");
        File.WriteAllText(Path.Combine(folder, "spec.yaml"), spec.ToYaml());
        File.WriteAllBytes(Path.Combine(folder, "weights", "best.bin"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(folder, "history.csv"), HistoryFile.ToCsv([new EpochMetrics(1, 0.5, 0.8, 0.4, accuracy, 1e-4, 10, 500)]));
        var confusion = new Confusion(40, 10, 45, 5);
        var values = new Dictionary<string, double>
        {
            ["accuracy"] = accuracy, ["roc_auc"] = 0.95, ["average_precision"] = 0.94, ["sensitivity"] = 0.9, ["specificity"] = 0.8, ["matthews"] = 0.7,
        };
        var metrics = new EvaluationMetrics("validation", 100, 0.5, "weights/best.bin", values, confusion, ClassificationReport.From(confusion));
        File.WriteAllText(Path.Combine(folder, "metrics.json"), JsonSerializer.Serialize(metrics, RunManifest.Json));
        var run = RunFolder.Open(folder);
        var manifest = new RunManifest
        {
            RunId = Path.GetFileName(folder), Experiment = spec.Name, Status = RunStatus.Published, Seed = spec.Seed, SpecHash = spec.Hash,
            DatasetFingerprint = fingerprint, SplitHash = split, Threads = 2, EpochsRun = 1, BestEpoch = 1, BestValAccuracy = accuracy, ImagesPerSecond = 500,
            Environment = new EnvironmentInfo("abcdef1234567", false, "1", "0.107.0", "2.10.0", ".NET 10", "Linux", "CPU", 2),
            Started = DateTimeOffset.UnixEpoch, Ended = DateTimeOffset.UnixEpoch.AddSeconds(60),
            Files = run.HashFiles(),
        };
        RunSeal.WriteSealed(run, manifest);
        return run;
    }
}
