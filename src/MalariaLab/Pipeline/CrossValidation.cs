using System.Globalization;
using System.Text;
using System.Text.Json;
using MalariaLab.Common;
using MalariaLab.Evaluation;
using MalariaLab.Runs;
using MalariaLab.Specs;

namespace MalariaLab.Pipeline;

/// <summary>Runs an experiment: one run, or for patient-kfold every fold (or the one asked for), each trained,
/// evaluated on its held-out fold and published, then a summary with each fold and mean ± std.</summary>
public static class CrossValidation
{
    public static IReadOnlyList<RunFolder> Run(PipelineOptions options, int? onlyFold, ILog log, CancellationToken cancel = default)
    {
        var spec = SpecLoader.LoadFile(options.Experiment, options.Overrides());
        if (spec.Split.Strategy != "patient-kfold")
            return [ExperimentRunner.TrainEvaluatePublish(spec, options, log, cancel)];
        var folds = onlyFold is { } f ? [f] : Enumerable.Range(0, spec.Split.Folds).ToList();
        var runs = new List<RunFolder>();
        foreach (int fold in folds)
        {
            if (cancel.IsCancellationRequested) break;
            log.Info($"cross-validation: fold {fold} of {spec.Split.Folds}");
            var foldSpec = SpecLoader.LoadFile(options.Experiment, options.Overrides().Append($"split.fold={fold}"));
            runs.Add(ExperimentRunner.TrainEvaluatePublish(foldSpec, options, log, cancel));
        }
        var published = runs.Where(r => RunManifest.Read(r.Path).Status == RunStatus.Published).ToList();
        if (published.Count > 1) WriteSummary(published, Path.GetDirectoryName(published[0].Path)!, log);
        return runs;
    }

    public sealed record MeanStd(double Mean, double Std);

    /// <summary>Mean and sample standard deviation (n − 1), as numpy.std(ddof=1).</summary>
    public static MeanStd Summarise(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double std = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new MeanStd(mean, std);
    }

    static IReadOnlyList<(string Name, Func<EvaluationMetrics, double> Get)> Columns => EvaluationMetrics.Headline;

    static void WriteSummary(IReadOnlyList<RunFolder> runs, string experimentFolder, ILog log)
    {
        var metrics = runs.Select(r => JsonSerializer.Deserialize<EvaluationMetrics>(File.ReadAllText(r.File("metrics.json")), RunManifest.Json)!).ToList();
        var text = new StringBuilder("| fold run | images | " + string.Join(" | ", Columns.Select(c => c.Name)) + " |\n");
        text.Append("| --- | --- |" + string.Concat(Columns.Select(_ => " --- |")) + "\n");
        for (int i = 0; i < runs.Count; i++)
            text.Append($"| {runs[i].Id} | {metrics[i].Images} | " + string.Join(" | ", Columns.Select(c => c.Get(metrics[i]).ToString("F4", CultureInfo.InvariantCulture))) + " |\n");
        var summary = Columns.ToDictionary(c => c.Name, c => Summarise(metrics.Select(c.Get).ToList()));
        text.Append("| mean ± std | | " + string.Join(" | ", Columns.Select(c => $"{summary[c.Name].Mean:F4} ± {summary[c.Name].Std:F4}")) + " |\n");
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        AtomicFile.WriteAllText(Path.Combine(experimentFolder, $"cv-summary-{stamp}.md"), text.ToString());
        AtomicFile.WriteAllText(Path.Combine(experimentFolder, $"cv-summary-{stamp}.json"),
            JsonSerializer.Serialize(new { runs = runs.Select(r => r.Id), mean_std = summary }, RunManifest.Json) + "\n");
        log.Info("cross-validation summary (held-out patient folds):\n" + text);
    }
}
