using MalariaLab.Data.Splitting;
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
        // The tiny run's split is per image, so its validation patients also have training cells: the page says so, as the
        // run report does.
        Assert.Contains("also have cells in the training set", File.ReadAllText(Path.Combine(folder, "evaluation.md")));
        Assert.Contains("also have cells in the training set", File.ReadAllText(tiny.Run.File("report.md")));
        RunSeal.Verify(tiny.Run, RunManifest.Read(tiny.Run.Path));
        string index = File.ReadAllText(tiny.Run.File("evaluations/index.md"));
        Assert.Contains($"[{Path.GetFileName(folder)}]({Path.GetFileName(folder)}/evaluation.html)", index);
        Assert.Contains("evaluations/index.html", File.ReadAllText(tiny.Run.File("report.md"))); // the sealed report links the list
        // The page links back to the run's report and the list, and shows the per-patient table and the mistakes.
        string page = File.ReadAllText(Path.Combine(folder, "evaluation.md"));
        Assert.Contains("[← the run's report](../../report.html)", page);
        Assert.True(File.Exists(Path.GetFullPath(Path.Combine(folder, "../../report.html"))));
        var patients = Csv.ReadRecords(Path.Combine(folder, "per_patient.csv"), "patient", "images");
        Assert.NotEmpty(patients);
        foreach (var p in patients) Assert.Contains($"| {p["patient"]} | {p["images"]} |", page);
        Assert.Equal(File.Exists(Path.Combine(folder, "plots", "mistakes.png")), page.Contains("](plots/mistakes.png)"));
    }

    [Fact]
    public void Labelled_data_from_a_folder_is_scored_in_full()
    {
        using var other = new TempFolder();
        SyntheticData.WriteFolder(other.File("new-cells"), [("Q1", 3, 2), ("Q2", 1, 4)], blue: 90);
        string folder = RunEvaluation.EvaluatePublished(tiny.Run, tiny.Options, null, null, other.File("new-cells"), "clinic-b", new CapturingLog());
        Assert.EndsWith("-clinic-b", folder);
        var metrics = RunFiles.ReadMetrics(Path.Combine(folder, "metrics.json"))!;
        Assert.Equal(10, metrics.Images);
        Assert.Equal(other.File("new-cells"), EvaluationManifest.TryRead(folder)!.Source);
        RunSeal.Verify(tiny.Run, RunManifest.Read(tiny.Run.Path));
    }

    /// <summary>The run's own images given back as --input are not test data: refused by patient, and a renamed copy of a
    /// training image (a patient the run never saw, the same bytes) by content.</summary>
    [Fact]
    public void Labelled_data_the_run_trained_on_is_refused()
    {
        var e = Assert.Throws<MalariaLabException>(() => RunEvaluation.EvaluatePublished(tiny.Run, tiny.Options, null, null, tiny.Experiment.File("data"), "own", new CapturingLog()));
        Assert.Contains("trained or validated on", e.Message);

        using var other = new TempFolder();
        var split = SplitFile.Read(tiny.Run.File("split.csv"));
        var trained = split.First(r => r.Subset == Subsets.Train);
        string cls = trained.Path.Split('/')[0];
        Directory.CreateDirectory(other.File($"copy/{cls}"));
        File.Copy(Path.Combine(tiny.Experiment.File("data"), trained.Path), other.File($"copy/{cls}/Z9_IMG_1_cell_1.png"));
        SyntheticData.WriteFolder(other.File("copy"), [("Z8", 1, 1)], blue: 77); // both class folders, unseen bytes
        e = Assert.Throws<MalariaLabException>(() => RunEvaluation.EvaluatePublished(tiny.Run, tiny.Options, null, null, other.File("copy"), "copy", new CapturingLog()));
        Assert.Contains("identical, byte for byte", e.Message + "");
        Assert.Contains("--allow-overlap", e.Message);

        // --allow-overlap scores it anyway; the page says what overlaps, as a warning (red in the HTML).
        var log = new CapturingLog();
        string folder = RunEvaluation.EvaluatePublished(tiny.Run, tiny.Options, null, null, other.File("copy"), "copy-anyway", log, allowOverlap: true);
        string page = File.ReadAllText(Path.Combine(folder, "evaluation.md"));
        Assert.Contains("> **Warning:** scored with --allow-overlap: 1 image identical, byte for byte", page);
        Assert.Contains("class=\"warning\"", File.ReadAllText(Path.Combine(folder, "evaluation.html")));
        Assert.Contains("warning: evaluate on", log.Text);
        Assert.Contains("scored anyway (--allow-overlap)", log.Text);
        // evaluation.json and the run's list of evaluations say so too: tools reading them do not take these as test scores.
        Assert.StartsWith("scored with --allow-overlap", EvaluationManifest.TryRead(folder)!.Overlap);
        Assert.Contains($"[{Path.GetFileName(folder)}]({Path.GetFileName(folder)}/evaluation.html) | {other.File("copy")} (**seen data, --allow-overlap**)",
            File.ReadAllText(tiny.Run.File("evaluations/index.md")));
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
