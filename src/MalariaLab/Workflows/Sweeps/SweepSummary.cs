using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Comparison;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>What a finished sweep leaves: the comparison of its runs and mean ± std over seeds, in one folder. Shared
/// by the local sweep and the cluster gather step.</summary>
public static class SweepSummary
{
    /// <summary>Writes the comparison (comparison.md/html/csv and its overlays) and summary.md into <paramref name="folder"/>; returns summary.md.</summary>
    public static string Write(IReadOnlyList<ComparedRun> runs, string folder, ILog log)
    {
        RunComparison.Write(runs, folder);
        string summary = RunComparison.SeedSummary(runs);
        string path = Path.Combine(folder, "summary.md");
        AtomicFile.WriteAllText(path, summary);
        log.Info($"sweep: {runs.Count} runs; mean ± std over seeds:\n{summary}sweep: comparison in {folder}");
        return path;
    }
}
