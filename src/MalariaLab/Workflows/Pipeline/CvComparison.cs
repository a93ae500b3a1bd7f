using System.Globalization;
using System.Text;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Metrics;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>Specs compared on the same cross-validation folds (README's results table): for each label set, the first
/// summary given is the baseline; every other spec gets its mean ± std, seconds and images/s per fold, on how many folds it
/// beats the baseline, and the paired fold difference with its t statistic: with 5 folds, |t| above 2.776 (two-sided 5%,
/// 4 degrees of freedom) is a difference larger than the fold-to-fold noise.</summary>
public static class CvComparison
{
    /// <summary>The registry's compact-table metrics, each with its mean ± std.</summary>
    public static IReadOnlyList<string> Metrics => MetricRegistry.Compact;

    /// <summary>The metrics that decide "folds better" and the paired t, named here so that registering another metric
    /// adds a column but never changes what the comparison tests.</summary>
    public static readonly IReadOnlyList<string> PairedMetrics = ["accuracy", "roc_auc"];

    /// <summary>Two-sided 5% critical values of Student's t for 1..30 degrees of freedom (beyond 30, the value at 30,
    /// slightly conservative).</summary>
    static readonly double[] Critical = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];

    public sealed record Paired(double MeanDifference, double StdDifference, double T, int Better, int Folds)
    {
        public bool BeyondNoise => Folds >= 2 && Math.Abs(T) > Critical[Math.Min(Folds - 1, Critical.Length) - 1];
    }

    /// <summary>The candidate minus the baseline, fold by fold (matched by fold index).</summary>
    public static Paired Compare(CvSummary.File baseline, CvSummary.File candidate, string metric)
    {
        var byFold = baseline.Folds.GroupBy(f => f.Index).ToDictionary(g => g.Key, g => g.Single());
        var differences = new List<double>();
        foreach (var fold in candidate.Folds.OrderBy(f => f.Index))
        {
            if (!byFold.TryGetValue(fold.Index, out var b))
                throw new MalariaLabException($"{candidate.Experiment}: fold {fold.Index} has no counterpart in {baseline.Experiment}");
            if (b.Images != fold.Images)
                throw new MalariaLabException($"{candidate.Experiment} fold {fold.Index} scored {fold.Images} images, {baseline.Experiment} {b.Images}: not the same folds");
            if (!fold.Metrics.TryGetValue(metric, out double c) || !b.Metrics.TryGetValue(metric, out double a))
                throw new MalariaLabException($"{candidate.Experiment} / {baseline.Experiment} fold {fold.Index}: no '{metric}' (published before it was a headline metric?)");
            differences.Add(c - a);
        }
        var stats = MeanStd.Of(differences);
        double t = stats.Std == 0 ? (stats.Mean == 0 ? 0 : double.PositiveInfinity * Math.Sign(stats.Mean)) : stats.Mean / (stats.Std / Math.Sqrt(differences.Count));
        return new Paired(stats.Mean, stats.Std, t, differences.Count(d => d > 0), differences.Count);
    }

    public static string Markdown(IReadOnlyList<CvSummary.File> summaries)
    {
        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        static string N(double v) => v.ToString("F0", CultureInfo.InvariantCulture);
        var text = new StringBuilder("| labels | spec | " + string.Join(" | ", Metrics) + " | seconds per fold | train seconds per fold | images/s | folds better than the baseline (" +
                                     string.Join(" / ", PairedMetrics) + ") | paired difference, t (" + string.Join(" / ", PairedMetrics) + ") |\n");
        text.Append("| --- | --- |" + string.Concat(Metrics.Select(_ => " --- |")) + " --- | --- | --- | --- | --- |\n");
        foreach (var group in summaries.GroupBy(s => s.Corrections))
        {
            var baseline = group.First();
            foreach (var s in group)
            {
                string wins = "baseline", paired = "–";
                if (!ReferenceEquals(s, baseline))
                {
                    var p = PairedMetrics.Select(m => Compare(baseline, s, m)).ToList();
                    wins = string.Join(" / ", p.Select(x => $"{x.Better} of {x.Folds}"));
                    paired = string.Join(" / ", p.Select(x => $"{(x.MeanDifference >= 0 ? "+" : "")}{F(x.MeanDifference)} ± {F(x.StdDifference)}, t {x.T.ToString("F2", CultureInfo.InvariantCulture)}{(x.BeyondNoise ? " (beyond noise)" : " (within noise)")}"));
                }
                text.Append($"| {(s.Corrections == "none" ? "original" : $"corrected ({s.Corrections})")} | `{s.Experiment}` | " +
                            string.Join(" | ", Metrics.Select(m => s.MeanStd.TryGetValue(m, out var v) ? $"{F(v.Mean)} ± {F(v.Std)}" : "–")) +
                            $" | {N(s.MeanStd.GetValueOrDefault("seconds")?.Mean ?? 0)} | {(s.MeanStd.GetValueOrDefault("train_seconds") is { } t ? N(t.Mean) : "–")}" +
                            $" | {N(s.MeanStd.GetValueOrDefault("images_per_second")?.Mean ?? 0)} | {wins} | {paired} |\n");
            }
        }
        return text.ToString();
    }
}
