using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Pipeline;

/// <summary>The results table from cv-summary files: per-fold rows with time and images/s, folds better, and the
/// paired t statistic checked against a hand computation.</summary>
public class CvComparisonTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    CvSummary.File Summary(string experiment, double[] accuracy, string corrections = "none")
    {
        var runs = accuracy.Select((a, fold) => HandMadeRun.Write(temp.File($"runs/{experiment}/2026010{fold}-000000-01"),
            $"name: {experiment}\nseed: 1\ndataset: {{corrections: {corrections}}}\nsplit: {{strategy: patient-kfold, folds: 5, fold: {fold}}}\n", a)).ToList();
        string markdown = CvSummary.Write(runs, temp.File($"runs/{experiment}"), new CapturingLog());
        return CvSummary.Read(Path.ChangeExtension(markdown, ".json"));
    }

    [Fact]
    public void The_summary_lists_each_fold_with_its_time_and_images_per_second()
    {
        var summary = Summary("seed", [0.6, 0.7, 0.8, 0.5, 0.9]);
        Assert.Equal("seed", summary.Experiment);
        Assert.Equal([0, 1, 2, 3, 4], summary.Folds.Select(f => f.Index));
        // HandMadeRun: 60 s from start to end, one epoch of 10 s in history.csv, 500 images/s. The wall time counts the
        // gap of a fold stopped and resumed later; the epochs' sum does not.
        Assert.All(summary.Folds, f => Assert.Equal((60.0, 10.0, 500.0), (f.Seconds, f.TrainSeconds, f.ImagesPerSecond)));
        Assert.Equal(10.0, summary.MeanStd["train_seconds"].Mean);
        Assert.Equal(MeanStd.Of([0.6, 0.7, 0.8, 0.5, 0.9]), summary.MeanStd["accuracy"]);
        string markdown = File.ReadAllText(Directory.GetFiles(temp.File("runs/seed"), "cv-summary-*.md").Single());
        Assert.Contains("| 2 | 20260102-000000-01 | 100 | 0.8000 |", markdown);
        Assert.Contains("| seconds | train seconds | images/s |", markdown);
        Assert.Contains("| 60 | 10 | 500 |", markdown);
    }

    [Fact]
    public void Paired_t_matches_the_hand_computation_and_the_5_percent_critical_value()
    {
        var baseline = Summary("seed", [0.6, 0.7, 0.8, 0.5, 0.9]);
        // Differences 0.1, 0.2, 0.3, 0.0, 0.1: mean 0.14, sample std sqrt(0.052 / 4) = 0.114018, t = 0.14 / (0.114018 / sqrt 5) = 2.7456,
        // just under t(0.975, 4) = 2.776: within noise although 4 of 5 folds are better.
        var p = CvComparison.Compare(baseline, Summary("close", [0.7, 0.9, 1.1, 0.5, 1.0]), "accuracy");
        Assert.Equal(0.14, p.MeanDifference, 1e-12);
        Assert.Equal(Math.Sqrt(0.013), p.StdDifference, 1e-12);
        Assert.Equal(2.7456, p.T, 1e-4);
        Assert.Equal(4, p.Better);
        Assert.False(p.BeyondNoise);
        var clear = CvComparison.Compare(baseline, Summary("clear", [0.8, 0.9, 0.95, 0.7, 0.99]), "accuracy");
        Assert.True(clear.BeyondNoise);
        Assert.Equal(5, clear.Better);
    }

    [Fact]
    public void The_table_groups_label_sets_with_their_own_baseline()
    {
        var table = CvComparison.Markdown([
            Summary("seed", [0.6, 0.7, 0.8, 0.5, 0.9]), Summary("clear", [0.8, 0.9, 0.95, 0.7, 0.99]),
            Summary("seed-c", [0.7, 0.7, 0.7, 0.7, 0.7], "exclude"), Summary("clear-c", [0.8, 0.6, 0.8, 0.8, 0.8], "exclude")]);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("| original | `seed` |", lines[2]);
        Assert.Contains("| baseline | – |", lines[2]);
        Assert.Contains("| 60 | 10 | 500 | baseline |", lines[2]); // wall seconds, the epochs' seconds, images/s
        Assert.Contains("| 5 of 5 / 0 of 5 | +0.1680 ± ", lines[3]);
        Assert.StartsWith("| corrected (exclude) | `seed-c` |", lines[4]);
        Assert.Contains("| 4 of 5 / 0 of 5 | +0.0600 ± 0.0894, t 1.50 (within noise)", lines[5]);
    }

    [Fact]
    public void Folds_that_are_not_the_same_patients_are_refused()
    {
        var baseline = Summary("seed", [0.6, 0.7, 0.8, 0.5, 0.9]);
        var other = baseline with { Folds = [.. baseline.Folds.Select(f => f with { Images = f.Images + 1 })], Experiment = "other" };
        Assert.Contains("not the same folds", Assert.Throws<MalariaLabException>(() => CvComparison.Compare(baseline, other, "accuracy")).Message);
    }
}
