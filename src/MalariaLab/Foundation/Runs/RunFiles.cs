using System.Text.Json;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Metrics;

namespace MalariaLab.Foundation.Runs;

/// <summary>Reads and writes the run folder's data files other than the manifest: metrics.json and history.csv.</summary>
public static class RunFiles
{
    public const string MetricsFile = "metrics.json";
    public const string HistoryCsv = "history.csv";

    public static EvaluationMetrics? ReadMetrics(RunFolder run) => ReadMetrics(run.File(MetricsFile));

    public static EvaluationMetrics? ReadMetrics(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<EvaluationMetrics>(File.ReadAllText(path), RunManifest.Json);
        }
        catch (JsonException e)
        {
            throw new MalariaLabException($"{path}: unreadable metrics ({e.Message})", e);
        }
    }

    public static void WriteMetrics(string path, EvaluationMetrics metrics) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(metrics, RunManifest.Json) + "\n");

    public static List<EpochMetrics> ReadHistory(RunFolder run) => File.Exists(run.File(HistoryCsv)) ? HistoryFile.Read(run.File(HistoryCsv)) : [];
}
