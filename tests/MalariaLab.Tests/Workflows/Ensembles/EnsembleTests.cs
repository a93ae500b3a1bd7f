using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Ensembles;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Workflows.Prediction;
using MalariaLab.Foundation.Runs;
using MalariaLab.Data.Splitting;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Ensembles;

/// <summary>A 2-fold patient-kfold cross-validation with split.test of the tiny data set, trained once: its fold models
/// and the ensemble published after them.</summary>
public sealed class TinyCrossValidation : IDisposable
{
    public TinyExperiment Experiment { get; } = new();
    public PipelineOptions Options { get; }
    public IReadOnlyList<RunFolder> Runs { get; }
    public RunFolder Ensemble => Runs[^1];
    public IReadOnlyList<RunFolder> Folds => Runs.Take(Runs.Count - 1).ToList();

    public TinyCrossValidation()
    {
        Options = Experiment.Options("split.strategy=patient-kfold", "split.folds=2", "split.test=0.25", "split.validation=0", "evaluate.tta=flips");
        Runs = CrossValidation.Run(Experiment.Spec(Options), Options, null, new CapturingLog());
    }

    public void Dispose() => Experiment.Dispose();
}

[Collection(LibTorchCollection.Name)]
public class EnsembleTests(TinyCrossValidation cv) : IClassFixture<TinyCrossValidation>
{
    static Dictionary<string, double> Probabilities(string csv) =>
        Csv.ReadRecords(csv, "path", "probability_parasitized").ToDictionary(r => r["path"], r => double.Parse(r["probability_parasitized"], CultureInfo.InvariantCulture));

    [Fact]
    public void Cross_validation_with_split_test_publishes_the_ensemble_of_its_fold_models()
    {
        Assert.Equal(3, cv.Runs.Count);
        var manifest = RunManifest.Read(cv.Ensemble.Path);
        Assert.Equal(RunStatus.Published, manifest.Status);
        Assert.Equal("tiny-ensemble", manifest.Experiment);
        RunSeal.Verify(cv.Ensemble, manifest);
        // Members named relative to the runs folder, each with its sealed manifest's SHA-256.
        Assert.Equal(cv.Folds.Select(f => $"tiny/{f.Id}"), manifest.Ensemble!.Members.Select(m => m.Run));
        Assert.Equal(cv.Folds.Select(f => Hashing.Sha256OfFile(f.File(RunManifest.FileName))), manifest.Ensemble.Members.Select(m => m.ManifestSha256));
        foreach (var file in new[] { "predictions.csv", "metrics.json", "members.csv", "per_patient.csv", "report.md", "report.html", "plots/confusion_matrix.png", "plots/roc.png" })
            Assert.True(manifest.Files.ContainsKey(file), file);
        Assert.False(File.Exists(cv.Ensemble.File("plots/filters.png"))); // no single network to show
        Assert.Contains("| **ensemble** |", File.ReadAllText(cv.Ensemble.File("report.md")));
    }

    [Fact]
    public void The_ensemble_is_scored_only_on_the_patients_no_fold_saw()
    {
        var split = SplitFile.Read(cv.Folds[0].File("split.csv"));
        var test = split.Where(s => s.Subset == Subsets.Test).Select(s => s.Path).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(test);
        Assert.Equal(test, Probabilities(cv.Ensemble.File("predictions.csv")).Keys.Order(StringComparer.Ordinal));
        var seen = cv.Folds.SelectMany(f => SplitFile.Read(f.File("split.csv"))).Where(s => s.Subset != Subsets.Test).Select(s => s.Patient).ToHashSet();
        Assert.DoesNotContain(split.Where(s => s.Subset == Subsets.Test).Select(s => s.Patient), seen.Contains);
    }

    [Fact]
    public void Its_probabilities_are_the_mean_of_the_fold_models_own_test_predictions()
    {
        // Each fold run scored the same held-out test images itself (its own Evaluate, same weights and TTA).
        var ensemble = Probabilities(cv.Ensemble.File("predictions.csv"));
        var members = cv.Folds.Select(f => Probabilities(f.File("predictions.csv"))).ToList();
        foreach (var (path, p) in ensemble)
            Assert.Equal(members.Average(m => m[path]), p, 1e-12);
    }

    [Fact]
    public void Predict_takes_the_ensemble_and_gives_the_members_mean()
    {
        string data = cv.Experiment.File("data");
        var log = new CapturingLog();
        var byEnsemble = Predictor.Predict(cv.Ensemble, data, log);
        Assert.Contains(log.Lines, l => l.Contains("ensemble of 2 members"));
        var byMember = cv.Folds.Select(f => Predictor.Predict(f, data, new CapturingLog()).ToDictionary(r => r.Path, r => r.ProbabilityParasitized!.Value)).ToList();
        Assert.Equal(byMember[0].Count, byEnsemble.Count);
        foreach (var r in byEnsemble)
        {
            Assert.Equal((byMember[0][r.Path] + byMember[1][r.Path]) / 2, r.ProbabilityParasitized!.Value, 1e-12);
            Assert.Equal(r.ProbabilityParasitized >= 0.5 ? "Parasitized" : "Uninfected", r.Label);
        }
        // ONNX Runtime runs each member's exported file: the same mean.
        var byOnnx = Predictor.Predict(cv.Ensemble, data, new CapturingLog(), engine: "onnx");
        Assert.Equal(byEnsemble.Select(r => r.Path), byOnnx.Select(r => r.Path));
        Assert.All(byEnsemble.Zip(byOnnx), pair => Assert.Equal(pair.First.ProbabilityParasitized!.Value, pair.Second.ProbabilityParasitized!.Value, 1e-5));
        // The same images through Evaluate (prepared cache) and through Predict (decoded again) agree.
        var evaluated = Probabilities(cv.Ensemble.File("predictions.csv"));
        foreach (var (path, p) in evaluated)
            Assert.Equal(p, byEnsemble.Single(r => r.Path == Path.Combine(data, path)).ProbabilityParasitized!.Value, 1e-6);
    }

    [Fact]
    public void Data_a_member_trained_on_is_refused()
    {
        var e = Assert.Throws<MalariaLabException>(() => Ensembling.Publish(cv.Folds, cv.Options, "leaky", null, cv.Experiment.File("data"), new CapturingLog()));
        Assert.Contains("were seen in training by a member", e.Message);
        Assert.Contains($"trained on by tiny/", e.Message);
        Assert.False(Directory.Exists(Path.Combine(cv.Options.Artifacts, "runs", "leaky")) && Directory.EnumerateFileSystemEntries(Path.Combine(cv.Options.Artifacts, "runs", "leaky")).Any());
    }

    [Fact]
    public void A_renamed_copy_of_a_training_image_is_refused_by_its_content()
    {
        // The patient comes from the file name; a training cell copied under a new patient's name passes that check,
        // not the content check.
        using var other = new TempFolder();
        var training = SplitFile.Read(cv.Folds[0].File("split.csv")).First(s => s.Subset == Subsets.Train && s.Label == "Parasitized");
        Directory.CreateDirectory(other.File("Parasitized"));
        Directory.CreateDirectory(other.File("Uninfected"));
        File.Copy(Path.Combine(cv.Experiment.File("data"), training.Path), other.File("Parasitized/P99_IMG_20150101_P_cell_0.png"));
        SyntheticDataCopy(other.File("Uninfected/P99_IMG_20150101_U_cell_0.png"));
        var e = Assert.Throws<MalariaLabException>(() => Ensembling.Publish(cv.Folds, cv.Options, "renamed", null, other.Path, new CapturingLog()));
        Assert.Contains("the input holds 1 image identical, byte for byte, to a member's training or validation image", e.Message);
        Assert.Contains("P99_IMG_20150101_P_cell_0.png = ", e.Message);
    }

    static void SyntheticDataCopy(string path) => File.WriteAllBytes(path, SyntheticData.Png(12, 10, 77));

    [Fact]
    public void The_same_members_in_any_order_make_the_same_ensemble_which_is_reused()
    {
        var log = new CapturingLog();
        var again = Ensembling.Publish([cv.Folds[1], cv.Folds[0]], cv.Options, null, null, null, log);
        Assert.Equal(cv.Ensemble.Path, again.Path);
        Assert.Contains(log.Lines, l => l.Contains("already combines these members"));
    }

    [Fact]
    public void Fold_models_without_common_test_patients_cannot_be_scored_on_their_split()
    {
        // The folds of a plain patient-kfold test on each other's training patients.
        var e = Assert.Throws<MalariaLabException>(() => EnsembleMembers.RefuseSeenPatients(
            EnsembleMembers.Of(cv.Folds, Path.Combine(cv.Options.Artifacts, "runs")),
            SplitFile.Read(cv.Folds[0].File("split.csv")).Where(s => s.Subset == Subsets.Validation).Select(s => s.Patient), "x"));
        Assert.StartsWith("x: ", e.Message);
        Assert.Contains("An ensemble is scored only on patients no member saw", e.Message);
    }

    [Fact]
    public void A_member_changed_after_the_ensemble_was_made_is_refused()
    {
        using var copy = new TempFolder();
        // Copy the runs folder so the fixture's stays intact; then alter one member's weights in the copy.
        string runs = copy.File("runs");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(cv.Options.Artifacts, "runs"), "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(runs, Path.GetRelativePath(Path.Combine(cv.Options.Artifacts, "runs"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var ensemble = RunFolder.Open(Path.Combine(runs, "tiny-ensemble", cv.Ensemble.Id));
        string weights = Path.Combine(runs, "tiny", cv.Folds[1].Id, RunManifest.Read(cv.Folds[1].Path).Files.Keys.First(k => k.StartsWith("weights/") && k.EndsWith(".bin")));
        File.AppendAllText(weights, "x");
        var e = Assert.Throws<MalariaLabException>(() => Predictor.Predict(ensemble, cv.Experiment.File("data"), new CapturingLog()));
        Assert.Contains(cv.Folds[1].Id, e.Message);
        Assert.Contains("tampered?", e.Message);
    }

    [Fact]
    public void The_runs_table_and_compare_list_the_ensemble_beside_its_members()
    {
        string root = Path.Combine(cv.Options.Artifacts, "runs");
        var rows = MalariaLab.Workflows.Comparison.RunsTable.Collect(root, null);
        var row = rows.Single(r => r.Run == $"tiny-ensemble/{cv.Ensemble.Id}");
        Assert.Equal(RunStatus.Published, row.Status);
        Assert.Equal(MalariaLab.Foundation.Runs.RunFiles.ReadMetrics(cv.Ensemble)!.Accuracy, row.Metrics["accuracy"]);
        var compared = MalariaLab.Workflows.Comparison.ComparedRun.Load(cv.Ensemble);
        Assert.Equal(string.Join(" ", cv.Folds.Select(f => $"tiny/{f.Id}")), compared.Spec["ensemble.members"]);
    }

    [Fact]
    public void Ensembles_refuse_too_few_duplicate_or_nested_members()
    {
        string root = Path.Combine(cv.Options.Artifacts, "runs");
        Assert.Contains("needs two or more", Assert.Throws<MalariaLabException>(() => EnsembleMembers.Of([cv.Folds[0]], root)).Message);
        Assert.Contains("is given twice", Assert.Throws<MalariaLabException>(() => EnsembleMembers.Of([cv.Folds[0], cv.Folds[0]], root)).Message);
        Assert.Contains("is itself an ensemble", Assert.Throws<MalariaLabException>(() => EnsembleMembers.Of([cv.Folds[0], cv.Ensemble], root)).Message);
        Assert.Contains("holds trained runs", Assert.Throws<MalariaLabException>(() => Ensembling.Publish(cv.Folds, cv.Options, "tiny", null, null, new CapturingLog())).Message);
    }
}

/// <summary>The cluster path: each fold trained by its own task (--fold), then Gather writes the CV summary and, with
/// split.test, publishes the ensemble of the fold models.</summary>
[Collection(LibTorchCollection.Name)]
public class GatheredEnsembleTests
{
    [Fact]
    public void Gather_after_folds_trained_one_by_one_publishes_the_ensemble()
    {
        using var tiny = new TinyExperiment();
        File.WriteAllText(tiny.File("tiny.yaml"), TinyExperiment.Yaml);
        var options = tiny.Options("split.strategy=patient-kfold", "split.folds=2", "split.test=0.25", "split.validation=0") with { Experiment = tiny.File("tiny.yaml") };
        var folds = new[] { 0, 1 }.SelectMany(f => CrossValidation.Run(options.LoadSpec(), options, f, new CapturingLog())).ToList();
        Assert.Equal(2, folds.Count); // one fold per task: no ensemble yet
        Assert.False(Directory.Exists(Path.Combine(options.Artifacts, "runs", "tiny-ensemble")));

        var result = MalariaLab.Workflows.Sweeps.FanOutGather.Gather(options, new CapturingLog());
        Assert.Equal(folds.Select(f => f.Id), result.Runs.Select(r => r.Id));
        Assert.NotNull(result.Ensemble);
        var manifest = RunManifest.Read(result.Ensemble!.Path);
        Assert.Equal(folds.Select(f => $"tiny/{f.Id}"), manifest.Ensemble!.Members.Select(m => m.Run));
        RunSeal.Verify(result.Ensemble, manifest);
    }
}
