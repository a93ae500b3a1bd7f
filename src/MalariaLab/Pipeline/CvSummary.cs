using System.Globalization;
using System.Text;
using System.Text.Json;
using MalariaLab.Common;
using MalariaLab.Metrics;
using MalariaLab.Runs;

namespace MalariaLab.Pipeline;

/// <summary>The cross-validation summary of published fold runs: each fold's metrics and mean ± std (n − 1), written
/// as cv-summary-&lt;time&gt;.md/json. One function for both callers: train (every fold in one process) and gather
/// (fold runs published by separate cluster tasks).</summary>
public static class CvSummary
{
    /// <summary>Writes the summary into <paramref name="folder"/>; returns the markdown file's path.</summary>
    public static string Write(IReadOnlyList<RunFolder> runs, string folder, ILog log)
    {
        if (runs.Count == 0) throw new MalariaLabException($"{folder}: no fold runs to summarise");
        var metrics = runs.Select(r => RunFiles.ReadMetrics(r) ?? throw new MalariaLabException($"{r.Path}: no metrics.json; expected a published run")).ToList();
        // Runs published before a metric was registered lack it: summarise the metrics every run has.
        var columns = MetricRegistry.All.Where(c => metrics.All(m => m.Metrics.ContainsKey(c.Name))).ToList();
        var text = new StringBuilder("| fold run | images | " + string.Join(" | ", columns.Select(c => c.Name)) + " |\n");
        text.Append("| --- | --- |" + string.Concat(columns.Select(_ => " --- |")) + "\n");
        for (int i = 0; i < runs.Count; i++)
            text.Append($"| {runs[i].Id} | {metrics[i].Images} | " + string.Join(" | ", columns.Select(c => metrics[i][c.Name].ToString("F4", CultureInfo.InvariantCulture))) + " |\n");
        var summary = columns.ToDictionary(c => c.Name, c => MeanStd.Of(metrics.Select(m => m[c.Name]).ToList()));
        text.Append("| mean ± std | | " + string.Join(" | ", columns.Select(c => $"{summary[c.Name].Mean:F4} ± {summary[c.Name].Std:F4}")) + " |\n");
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(folder);
        string markdown = Path.Combine(folder, $"cv-summary-{stamp}.md");
        AtomicFile.WriteAllText(markdown, text.ToString());
        AtomicFile.WriteAllText(Path.Combine(folder, $"cv-summary-{stamp}.json"),
            JsonSerializer.Serialize(new { runs = runs.Select(r => r.Id), mean_std = summary }, RunManifest.Json) + "\n");
        log.Info("cross-validation summary (held-out patient folds):\n" + text);
        return markdown;
    }
}
