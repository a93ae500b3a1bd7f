using System.Globalization;
using System.Text;
using System.Text.Json;
using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using ScottPlot;

namespace MalariaLab.Workflows.Comparison;

/// <summary>A run as Compare sees it: its manifest, resolved spec values and metrics.</summary>
public sealed record ComparedRun(RunFolder Run, RunManifest Manifest, Dictionary<string, string> Spec, EvaluationMetrics? Metrics, List<EpochMetrics> History)
{
    public static ComparedRun Load(RunFolder run)
    {
        var manifest = RunManifest.Read(run.Path);
        // An ensemble has no spec of its own: its members stand in for it.
        var spec = manifest.Ensemble is { } ensemble
            ? new Dictionary<string, string> { ["ensemble.members"] = string.Join(" ", ensemble.Members.Select(m => m.Run)) }
            : SpecLoader.LoadFile(run.File("spec.yaml")).Values.InSchemaOrder.ToDictionary(p => p.Key, p => SpecWriter.Display(p.Value));
        var metrics = RunFiles.ReadMetrics(run);
        var history = RunFiles.ReadHistory(run);
        return new ComparedRun(run, manifest, spec, metrics, history);
    }

    public string Name => $"{Manifest.Experiment}/{Run.Id}";
    public double? Seconds => Manifest.Ended is { } end ? (end - Manifest.Started).TotalSeconds : null;
}

/// <summary>Compare: spec keys that differ, metrics side by side with deltas against the first run, data and
/// split fingerprints, time and images/s; written as markdown, CSV and one overlay plot of validation curves.</summary>
public static class RunComparison
{
    static (string Name, Func<ComparedRun, double?> Get)[] Headline =>
        [.. MetricRegistry.All.Select(h => (h.Name, (Func<ComparedRun, double?>)(r => r.Metrics?.Metrics.TryGetValue(h.Name, out double v) == true ? v : null)))];

    static (string Name, Func<ComparedRun, double?> Get)[] Metrics =>
    [
        .. Headline,
        ("best_val_accuracy", r => r.Manifest.BestValAccuracy), ("epochs", r => r.Manifest.EpochsRun),
        ("images_per_second", r => r.Manifest.ImagesPerSecond), ("seconds", r => r.Seconds),
    ];

    /// <summary>The runs' manifests, specs, metrics and histories, in the order given.</summary>
    public static List<ComparedRun> Load(IEnumerable<RunFolder> folders)
    {
        var runs = folders.Select(ComparedRun.Load).ToList();
        if (runs.Count == 0) throw new MalariaLabException("--runs: no published runs found to compare");
        return runs;
    }

    /// <summary>Spec keys whose values are not all equal, with each run's value.</summary>
    public static List<(string Key, string[] Values)> SpecDifferences(IReadOnlyList<ComparedRun> runs) =>
        runs[0].Spec.Keys
            .Select(k => (k, runs.Select(r => r.Spec.GetValueOrDefault(k, "(missing)")).ToArray()))
            .Where(d => d.Item2.Distinct().Count() > 1).ToList();

    public static bool SameData(IReadOnlyList<ComparedRun> runs) =>
        runs.Select(r => r.Manifest.DatasetFingerprint).Distinct().Count() == 1 && runs.Select(r => r.Manifest.SplitHash).Distinct().Count() == 1;

    public static string Markdown(IReadOnlyList<ComparedRun> runs)
    {
        var text = new StringBuilder("# Run comparison\n\n## Spec differences\n\n");
        var differences = SpecDifferences(runs);
        if (differences.Count == 0) text.Append("None: every run has the same resolved spec.\n");
        else
        {
            text.Append("| key | " + string.Join(" | ", runs.Select(r => r.Name)) + " |\n| --- |" + string.Concat(runs.Select(_ => " --- |")) + "\n");
            foreach (var (key, values) in differences) text.Append($"| `{key}` | " + string.Join(" | ", values.Select(MarkdownText.Cell)) + " |\n");
        }
        text.Append("\n## Metrics (Δ against the first run)\n\n| metric | " + string.Join(" | ", runs.Select(r => r.Name)) + " |\n| --- |" + string.Concat(runs.Select(_ => " --- |")) + "\n");
        foreach (var (name, get) in Metrics)
        {
            double? first = get(runs[0]);
            text.Append($"| {name} | " + string.Join(" | ", runs.Select((r, i) =>
            {
                double? v = get(r);
                if (v is null) return "–";
                string value = Format(v.Value);
                return i == 0 || first is null ? value : $"{value} ({(v.Value - first.Value >= 0 ? "+" : "")}{Format(v.Value - first.Value)})";
            })) + " |\n");
        }
        text.Append("\n## Data and split\n\n| run | dataset fingerprint | split hash | threads | git |\n| --- | --- | --- | --- | --- |\n");
        foreach (var r in runs)
            text.Append($"| {r.Name} | `{r.Manifest.DatasetFingerprint[..16]}` | `{r.Manifest.SplitHash[..16]}` | {r.Manifest.Threads} | {r.Manifest.Environment.GitCommit[..Math.Min(10, r.Manifest.Environment.GitCommit.Length)]} |\n");
        text.Append(SameData(runs) ? "\nSame data and split: yes.\n" : "\nSame data and split: **no**.\n");
        text.Append(PairedTests(runs));
        return text.ToString();
    }

    /// <summary>Each run against the first, when both scored the same images (same paths and labels in
    /// predictions.csv): McNemar's exact test on the images one gets right and the other wrong, and paired bootstrap 95%
    /// intervals (2,000 resamples, seeded by the two run ids) for the accuracy and AUC differences.</summary>
    public static string PairedTests(IReadOnlyList<ComparedRun> runs)
    {
        if (runs.Count < 2) return "";
        var text = new StringBuilder("\n## Paired tests on the same images (against the first run)\n\n" +
            "| run | images | only the first right | only this right | McNemar exact p | Δ accuracy [95% CI] | Δ roc_auc [95% CI] |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        var first = ScoredImages(runs[0]);
        foreach (var run in runs.Skip(1))
        {
            var other = ScoredImages(run);
            if (first is null || other is null || first.Count != other.Count || first.Keys.Any(k => !other.TryGetValue(k, out var o) || o.Label != first[k].Label))
            {
                text.Append($"| {run.Name} | – | – | – | not scored on the same images as {runs[0].Name} | – | – |\n");
                continue;
            }
            var paths = first.Keys.Order(StringComparer.Ordinal).ToArray();
            int[] labels = [.. paths.Select(p => first[p].Label == Labels.Parasitized ? 1 : 0)];
            double[] a = [.. paths.Select(p => first[p].ProbabilityParasitized)], b = [.. paths.Select(p => other[p].ProbabilityParasitized)];
            bool[] rightA = [.. paths.Select(p => first[p].Predicted == first[p].Label)], rightB = [.. paths.Select(p => other[p].Predicted == other[p].Label)];
            int onlyFirst = rightA.Where((r, i) => r && !rightB[i]).Count(), onlySecond = rightB.Where((r, i) => r && !rightA[i]).Count();
            double p = PairedStatistics.McNemarExactP(onlyFirst, onlySecond);
            // The accuracy at each run's own threshold: resample which images are right, not the probabilities.
            double[] correctA = [.. rightA.Select(r => r ? 1.0 : 0.0)], correctB = [.. rightB.Select(r => r ? 1.0 : 0.0)];
            ulong seed = SeedSource.Draw(0, "compare", runs[0].Name + " " + run.Name);
            var accuracy = PairedStatistics.BootstrapInterval(labels, correctA, correctB, (_, correct) => correct.Average(), seed);
            var auc = PairedStatistics.BootstrapInterval(labels, a, b, (l, s) => BinaryMetrics.Roc(l, s).Auc, seed);
            double dAccuracy = correctB.Average() - correctA.Average(), dAuc = BinaryMetrics.Roc(labels, b).Auc - BinaryMetrics.Roc(labels, a).Auc;
            text.Append($"| {run.Name} | {paths.Length} | {onlyFirst} | {onlySecond} | {p.ToString("G3", CultureInfo.InvariantCulture)} | " +
                        $"{Signed(dAccuracy)} [{Signed(accuracy.Low)}, {Signed(accuracy.High)}] | {Signed(dAuc)} [{Signed(auc.Low)}, {Signed(auc.High)}] |\n");
        }
        text.Append("\np < 0.05 or an interval that excludes 0: a difference beyond what resampling these images gives; otherwise within noise. " +
                    "Both speak only for these images (patients a model never saw are the larger source of variation: compare cross-validation folds with cv-compare).\n");
        return text.ToString();
    }

    static string Signed(double v) => double.IsNaN(v) ? "–" : (v >= 0 ? "+" : "") + v.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>predictions.csv by path, or null when the run has none.</summary>
    static Dictionary<string, ScoredImage>? ScoredImages(ComparedRun run)
    {
        string path = run.Run.File("predictions.csv");
        if (!File.Exists(path)) return null;
        return Csv.ReadRecords(path, "path", "label", "probability_parasitized", "predicted")
            .ToDictionary(r => r["path"], r => new ScoredImage(r["path"], r["label"], r.GetValueOrDefault("patient", ""),
                double.Parse(r["probability_parasitized"], CultureInfo.InvariantCulture), r["predicted"]));
    }

    public static string CsvTable(IReadOnlyList<ComparedRun> runs) => Csv.Write(
        ["run", "dataset_fingerprint", "split_hash", .. Metrics.Select(m => m.Name)],
        runs.Select(r => (IReadOnlyList<string>)[r.Name, r.Manifest.DatasetFingerprint, r.Manifest.SplitHash,
            .. Metrics.Select(m => m.Get(r) is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "")]));

    /// <summary>Whole numbers (epochs) plain, large ones (images/s, seconds) to 1 decimal, ratios to 4.</summary>
    static string Format(double v) => v == Math.Floor(v) && Math.Abs(v) < 1e9 ? v.ToString("F0", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 10 ? v.ToString("F1", CultureInfo.InvariantCulture) : v.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>Writes comparison.md, comparison.html (one self-contained page: the tables and the overlaid curves),
    /// comparison.csv and the overlays (<see cref="ComparisonFigures"/>) into <paramref name="folder"/>; returns the markdown.</summary>
    public static string Write(IReadOnlyList<ComparedRun> runs, string folder)
    {
        Directory.CreateDirectory(folder);
        var figures = ComparisonFigures.Write(runs, folder);
        string markdown = Markdown(runs);
        if (figures.Count > 0)
            markdown += "\n## Curves\n\n" + string.Concat(figures.Select(f => $"![{Path.GetFileNameWithoutExtension(f)}]({f})\n\n"));
        AtomicFile.WriteAllText(Path.Combine(folder, "comparison.md"), markdown);
        AtomicFile.WriteAllText(Path.Combine(folder, "comparison.html"), Scoring.Reporting.HtmlPage.From(markdown, folder));
        AtomicFile.WriteAllText(Path.Combine(folder, "comparison.csv"), CsvTable(runs));
        return markdown;
    }

    /// <summary>Mean ± std (n − 1) of the metrics over runs grouped by every spec key except the seed.</summary>
    public static string SeedSummary(IReadOnlyList<ComparedRun> runs)
    {
        var text = new StringBuilder("| setting | runs | " + string.Join(" | ", Headline.Select(m => m.Name)) + " |\n| --- | --- |" + string.Concat(Headline.Select(_ => " --- |")) + "\n");
        var varying = SpecDifferences(runs).Select(d => d.Key).Where(k => k != "seed").ToList();
        foreach (var group in runs.GroupBy(r => string.Join(", ", varying.Select(k => $"{k}={r.Spec.GetValueOrDefault(k, "–")}"))))
        {
            text.Append($"| {(group.Key.Length == 0 ? "(all)" : group.Key)} | {group.Count()} | ");
            text.Append(string.Join(" | ", Headline.Select(m =>
            {
                var values = group.Select(m.Get).OfType<double>().ToList();
                if (values.Count == 0) return "–";
                var s = MeanStd.Of(values);
                return $"{s.Mean:F4} ± {s.Std:F4}";
            })));
            text.Append(" |\n");
        }
        return text.ToString();
    }
}
