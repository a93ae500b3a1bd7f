using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Scoring.Reporting;

/// <summary>Evaluate on a published run writes evaluations/&lt;time&gt;-&lt;label&gt;/ and leaves every sealed file as it was.</summary>
[Collection(LibTorchCollection.Name)]
public class PublishedRunEvaluationTests(TinyRun tiny) : IClassFixture<TinyRun>
{
    [Fact]
    public void Another_threshold_gets_its_own_folder_and_the_seal_holds()
    {
        var before = tiny.Run.HashFiles();
        string folder = RunEvaluation.EvaluatePublished(tiny.Run, tiny.Options, 0.3, null, null, null, new CapturingLog());
        Assert.StartsWith(tiny.Run.File("evaluations/"), folder);
        Assert.EndsWith("-validation-t0.3", folder);
        var metrics = RunFiles.ReadMetrics(Path.Combine(folder, "metrics.json"))!;
        Assert.Equal(0.3, metrics.Threshold);
        var evaluation = EvaluationManifest.TryRead(folder)!;
        Assert.Equal(tiny.Run.Id, evaluation.RunId);
        Assert.Equal(Hashing.Sha256OfFile(tiny.Run.File("manifest.json")), evaluation.RunManifestSha256);
        Assert.Contains("plots/confusion_matrix.png", evaluation.Files.Keys);
        Assert.Equal(Hashing.Sha256OfFile(Path.Combine(folder, "metrics.json")), evaluation.Files["metrics.json"]);
        Assert.Equal(before, tiny.Run.HashFiles()); // not one sealed byte changed
        RunSeal.Verify(tiny.Run, RunManifest.Read(tiny.Run.Path));
        string index = File.ReadAllText(tiny.Run.File("evaluations/index.md"));
        Assert.Contains($"[{Path.GetFileName(folder)}]({Path.GetFileName(folder)}/evaluation.html)", index);
        Assert.Contains("evaluations/index.html", File.ReadAllText(tiny.Run.File("report.md"))); // the sealed report links the list
    }

    [Fact]
    public void Labelled_data_from_a_folder_is_scored_in_full()
    {
        using var other = new TempFolder();
        SyntheticData.WriteFolder(other.File("new-cells"), [("Q1", 3, 2), ("Q2", 1, 4)]);
        string folder = RunEvaluation.EvaluatePublished(tiny.Run, tiny.Options, null, null, other.File("new-cells"), "clinic-b", new CapturingLog());
        Assert.EndsWith("-clinic-b", folder);
        var metrics = RunFiles.ReadMetrics(Path.Combine(folder, "metrics.json"))!;
        Assert.Equal(10, metrics.Images);
        Assert.Equal(other.File("new-cells"), EvaluationManifest.TryRead(folder)!.Source);
        RunSeal.Verify(tiny.Run, RunManifest.Read(tiny.Run.Path));
    }

    [Fact]
    public void A_complete_run_still_evaluates_in_place_and_options_for_sealed_runs_are_refused_there()
    {
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "evaluate", $"--run={tiny.Run.Path}", "--subset=sideways");
        Assert.Equal(2, exit);
        Assert.Contains("sideways", output);
    }
}
