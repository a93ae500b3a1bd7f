using System.Globalization;
using System.Text;
using System.Text.Json;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>The cross-validation summary of published fold runs: each fold's metrics, training seconds and images/s, and
/// mean ± std (n − 1), written as cv-summary-&lt;time&gt;.md/json. One function for both callers: train (every fold in one
/// process) and gather (fold runs published by separate cluster tasks).</summary>
public static class CvSummary
{
    /// <summary>One fold's row. Seconds is the run's wall time from its first start to its end (0 when a manifest lacks it):
    /// a fold stopped and resumed later counts the gap. TrainSeconds is the sum of its epochs' own times (history.csv:
    /// training and validation, each epoch once however often it was resumed); null in summaries written before it.</summary>
    public sealed record Fold(string Run, int Index, int Images, SortedDictionary<string, double> Metrics, double Seconds, double ImagesPerSecond, double? TrainSeconds = null);

    /// <summary>The JSON file: the experiment, each fold, and mean ± std of every metric and of seconds and images/s.</summary>
    public sealed record File(string Experiment, string Corrections, List<string> Runs, List<Fold> Folds, SortedDictionary<string, MeanStd> MeanStd);

    /// <summary>Writes the summary into <paramref name="folder"/>; returns the markdown file's path.</summary>
    public static string Write(IReadOnlyList<RunFolder> runs, string folder, ILog log)
    {
        if (runs.Count == 0) throw new MalariaLabException($"{folder}: no fold runs to summarise");
        var metrics = runs.Select(r => RunFiles.ReadMetrics(r) ?? throw new MalariaLabException($"{r.Path}: no metrics.json; expected a published run")).ToList();
        // Runs published before a metric was registered lack it: summarise the metrics every run has.
        var columns = MetricRegistry.All.Where(c => metrics.All(m => m.Metrics.ContainsKey(c.Name))).Select(c => c.Name).ToList();
        var folds = runs.Select((r, i) =>
        {
            var manifest = RunManifest.Read(r.Path);
            int index = SpecLoader.LoadFile(r.File("spec.yaml")).Split.Fold;
            return new Fold(r.Id, index, metrics[i].Images, new SortedDictionary<string, double>(columns.ToDictionary(c => c, c => metrics[i][c]), StringComparer.Ordinal),
                manifest.Ended is { } end ? (end - manifest.Started).TotalSeconds : 0, manifest.ImagesPerSecond ?? 0, RunFiles.ReadHistory(r).Sum(e => e.Seconds));
        }).ToList();
        var summary = new SortedDictionary<string, MeanStd>(columns.ToDictionary(c => c, c => MeanStd.Of(folds.Select(f => f.Metrics[c]).ToList())), StringComparer.Ordinal)
        {
            ["seconds"] = MeanStd.Of(folds.Select(f => f.Seconds).ToList()),
            ["train_seconds"] = MeanStd.Of(folds.Select(f => f.TrainSeconds ?? 0).ToList()),
            ["images_per_second"] = MeanStd.Of(folds.Select(f => f.ImagesPerSecond).ToList()),
        };

        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        static string N(double v) => v.ToString("F0", CultureInfo.InvariantCulture);
        var text = new StringBuilder("| fold | run | images | " + string.Join(" | ", columns) + " | seconds | train seconds | images/s |\n");
        text.Append("| --- | --- | --- |" + string.Concat(columns.Select(_ => " --- |")) + " --- | --- | --- |\n");
        foreach (var f in folds)
            text.Append($"| {f.Index} | {f.Run} | {f.Images} | " + string.Join(" | ", columns.Select(c => F(f.Metrics[c]))) + $" | {N(f.Seconds)} | {N(f.TrainSeconds ?? 0)} | {N(f.ImagesPerSecond)} |\n");
        text.Append("| mean ± std | | | " + string.Join(" | ", columns.Select(c => $"{F(summary[c].Mean)} ± {F(summary[c].Std)}")) +
                    $" | {N(summary["seconds"].Mean)} ± {N(summary["seconds"].Std)} | {N(summary["train_seconds"].Mean)} ± {N(summary["train_seconds"].Std)} | {N(summary["images_per_second"].Mean)} ± {N(summary["images_per_second"].Std)} |\n");
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(folder);
        string markdown = Path.Combine(folder, $"cv-summary-{stamp}.md");
        AtomicFile.WriteAllText(markdown, text.ToString());
        string experiment = RunManifest.Read(runs[0].Path).Experiment, corrections = SpecLoader.LoadFile(runs[0].File("spec.yaml")).Dataset.Corrections;
        AtomicFile.WriteAllText(Path.ChangeExtension(markdown, ".json"),
            JsonSerializer.Serialize(new File(experiment, corrections, [.. runs.Select(r => r.Id)], folds, summary), RunManifest.Json) + "\n");
        log.Info("cross-validation summary (held-out patient folds):\n" + text);
        return markdown;
    }

    public static File Read(string path)
    {
        try
        {
            var file = JsonSerializer.Deserialize<File>(FileKinds.ReadRegular(path, 16 << 20, "a cv-summary file"), RunManifest.Json);
            if (file?.Folds is not { Count: > 0 } || file.Experiment is null || file.Corrections is null || file.MeanStd is null)
                throw new MalariaLabException($"{path}: no folds; expected a cv-summary-*.json written by this version (older ones: run Gather again)");
            if (file.Folds.Any(f => f is null || f.Metrics is null || f.Run is null))
                throw new MalariaLabException($"{path}: a fold without its run or metrics (edited?)");
            if (file.Folds.GroupBy(f => f.Index).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new MalariaLabException($"{path}: fold {twice.Key} appears {twice.Count()} times; expected each fold once");
            return file;
        }
        catch (JsonException e) { throw new MalariaLabException($"{path}: not a cv-summary JSON ({e.Message})", e); }
        catch (IOException e) { throw new MalariaLabException($"{path}: cannot be read ({e.Message})", e); }
    }
}
