using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Runs;
using MalariaLab.Workflows.Sweeps;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Sweeps;

/// <summary>The gather step on hand-made published runs: it picks each point's or fold's run by spec hash from the
/// folders on disk and writes the CV summary or the sweep comparison.</summary>
public class FanOutGatherTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    sealed class NoLog : ILog
    {
        public void Info(string message) { }
        public void Warn(string message) { }
        public bool IsTerminal => false;
        public void Status(string line) { }
    }

    PipelineOptions Options(string yaml)
    {
        string spec = temp.File("spec.yaml");
        File.WriteAllText(spec, yaml);
        return new PipelineOptions { Experiment = spec, Artifacts = temp.File("artifacts") };
    }

    string RunFolderOf(string experiment, string id) => Path.Combine(temp.Path, "artifacts", "runs", experiment, id);

    [Fact]
    public void Folds_expand_with_each_fold_as_its_split_fold()
    {
        var fanOut = FanOut.Of(Options("name: cv\nseed: 3\nsplit:\n  strategy: patient-kfold\n  folds: 3\n"));
        Assert.Equal(FanOut.Folds, fanOut.Kind);
        Assert.Equal(3, fanOut.Tasks);
        Assert.Equal([0, 1, 2], fanOut.Runs.Select(r => r.Spec.Split.Fold));
        Assert.Equal(3, fanOut.Runs.Select(r => r.Spec.Hash).Distinct().Count());
    }

    [Fact]
    public void Folds_gather_into_a_cv_summary_with_mean_and_std()
    {
        const string kfold = "name: cv\nseed: 3\nsplit:\n  strategy: patient-kfold\n  folds: 3\n";
        double[] accuracy = [0.8, 0.9, 0.7];
        for (int f = 0; f < 3; f++) HandMadeRun.Write(RunFolderOf("cv", $"20260101-00000{f}-01"), kfold + $"  fold: {f}\n", accuracy[f]);
        // An older run of fold 0 with another accuracy is superseded by the newer one; a run of another seed is ignored.
        HandMadeRun.Write(RunFolderOf("cv", "20251231-000000-01"), kfold + "  fold: 0\n", 0.1);
        HandMadeRun.Write(RunFolderOf("cv", "20260102-000000-01"), kfold.Replace("seed: 3", "seed: 4") + "  fold: 0\n", 0.2);

        var result = FanOutGather.Gather(Options(kfold), new NoLog());
        Assert.Equal(["20260101-000000-01", "20260101-000001-01", "20260101-000002-01"], result.Runs.Select(r => r.Id));
        Assert.Equal(Path.Combine(temp.Path, "artifacts", "runs", "cv"), Path.GetDirectoryName(result.Summary));
        Assert.StartsWith("cv-summary-", Path.GetFileName(result.Summary));
        string text = File.ReadAllText(result.Summary);
        var mean = MalariaLab.Foundation.Metrics.MeanStd.Of(accuracy);
        Assert.Contains($"| mean ± std | | | {mean.Mean:F4} ± {mean.Std:F4} |", text);
        Assert.True(File.Exists(Path.ChangeExtension(result.Summary, ".json")));
    }

    [Fact]
    public void Sweep_gathers_into_a_comparison_and_mean_std_over_seeds()
    {
        const string sweep = "name: sw\nseed: 1\nsweep:\n  seed: [1, 2, 3]\n";
        for (int seed = 1; seed <= 3; seed++) HandMadeRun.Write(RunFolderOf("sw", $"20260101-00000{seed}-01"), $"name: sw\nseed: {seed}\n", 0.5 + seed / 10.0);
        var result = FanOutGather.Gather(Options(sweep), new NoLog());
        Assert.Equal(FanOut.Sweep, result.Kind);
        Assert.Equal(3, result.Runs.Count);
        Assert.Equal("summary.md", Path.GetFileName(result.Summary));
        Assert.Contains("| (all) | 3 | 0.7000 ± 0.1000 |", File.ReadAllText(result.Summary));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(result.Summary)!, "comparison.md")));
    }

    [Fact]
    public void A_missing_point_fails_naming_the_task()
    {
        const string sweep = "name: sw\nseed: 1\nsweep:\n  seed: [1, 2, 3]\n";
        HandMadeRun.Write(RunFolderOf("sw", "20260101-000001-01"), "name: sw\nseed: 1\n", 0.6);
        HandMadeRun.Write(RunFolderOf("sw", "20260101-000003-01"), "name: sw\nseed: 3\n", 0.8);
        var error = Assert.Throws<MalariaLabException>(() => FanOutGather.Gather(Options(sweep), new NoLog()));
        Assert.Contains("task 1 (seed=2", error.Message);
        Assert.DoesNotContain("task 0", error.Message);
    }
}
