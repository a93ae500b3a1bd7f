using System.Globalization;
using System.Text;
using System.Text.Json;
using MalariaLab.Common;
using MalariaLab.Metrics;
using MalariaLab.Runs;
using MalariaLab.Specs;

namespace MalariaLab.Pipeline;

/// <summary>Runs an experiment: one run, or for patient-kfold every fold (or the one asked for), each trained,
/// evaluated on its held-out fold and published, then a summary with each fold and mean ± std.</summary>
public static class CrossValidation
{
    public static IReadOnlyList<RunFolder> Run(ExperimentSpec spec, PipelineOptions options, int? onlyFold, ILog log, CancellationToken cancel = default)
    {
        if (spec.Split.Strategy != "patient-kfold")
            return [new Orchestrator(spec, options, log, cancel: cancel).TrainEvaluatePublish()];
        if (onlyFold is { } only && (only < 0 || only >= spec.Split.Folds))
            throw new MalariaLabException($"--fold={only}: the spec has folds 0..{spec.Split.Folds - 1}");
        var folds = onlyFold is { } f ? [f] : Enumerable.Range(0, spec.Split.Folds).ToList();
        var runs = new List<RunFolder>();
        foreach (int fold in folds)
        {
            if (cancel.IsCancellationRequested) break;
            log.Info($"cross-validation: fold {fold} of {spec.Split.Folds}");
            var foldSpec = SpecLoader.Override(spec, ("split.fold", fold.ToString(CultureInfo.InvariantCulture)));
            runs.Add(new Orchestrator(foldSpec, options, log, cancel: cancel).TrainEvaluatePublish());
        }
        var published = runs.Where(r => RunManifest.Read(r.Path).Status == RunStatus.Published).ToList();
        if (published.Count > 1) WriteSummary(published, Path.GetDirectoryName(published[0].Path)!, log);
        return runs;
    }

    static void WriteSummary(IReadOnlyList<RunFolder> runs, string experimentFolder, ILog log)
    {
        var columns = MetricRegistry.All;
        var metrics = runs.Select(r => RunFiles.ReadMetrics(r) ?? throw new MalariaLabException($"{r.Path}: no metrics.json")).ToList();
        var text = new StringBuilder("| fold run | images | " + string.Join(" | ", columns.Select(c => c.Name)) + " |\n");
        text.Append("| --- | --- |" + string.Concat(columns.Select(_ => " --- |")) + "\n");
        for (int i = 0; i < runs.Count; i++)
            text.Append($"| {runs[i].Id} | {metrics[i].Images} | " + string.Join(" | ", columns.Select(c => metrics[i][c.Name].ToString("F4", CultureInfo.InvariantCulture))) + " |\n");
        var summary = columns.ToDictionary(c => c.Name, c => MeanStd.Of(metrics.Select(m => m[c.Name]).ToList()));
        text.Append("| mean ± std | | " + string.Join(" | ", columns.Select(c => $"{summary[c.Name].Mean:F4} ± {summary[c.Name].Std:F4}")) + " |\n");
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        AtomicFile.WriteAllText(Path.Combine(experimentFolder, $"cv-summary-{stamp}.md"), text.ToString());
        AtomicFile.WriteAllText(Path.Combine(experimentFolder, $"cv-summary-{stamp}.json"),
            JsonSerializer.Serialize(new { runs = runs.Select(r => r.Id), mean_std = summary }, RunManifest.Json) + "\n");
        log.Info("cross-validation summary (held-out patient folds):\n" + text);
    }
}
