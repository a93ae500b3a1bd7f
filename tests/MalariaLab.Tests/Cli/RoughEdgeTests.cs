using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Common;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Prediction;

namespace MalariaLab.Tests.Cli;

/// <summary>Options that used to be ignored silently, and inputs that gave nothing without saying so.</summary>
[Collection(LibTorchCollection.Name)]
public class RoughEdgeTests(TinyRun tiny) : IClassFixture<TinyRun>
{
    [Fact]
    public void Options_that_would_be_ignored_are_refused_naming_why()
    {
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "train", $"--dataset-source={tiny.Experiment.File("data")}", "--set=dataset.sha256=null",
            "--set=dataset.patient_maps_source=null", $"--artifacts={tiny.Options.Artifacts}", "--fold=1");
        Assert.Equal(1, exit);
        Assert.Contains("--fold=1: split.strategy 'keras-validation-split' has no folds", output);
        (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "train", "--sweep-point=0");
        Assert.Equal(1, exit);
        Assert.Contains("--sweep-point=0: the spec has no sweep: section", output);
        (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "evaluate", $"--run={tiny.Run.Path}", "--threshold=0.4", "--threshold-rule=youden");
        Assert.Equal(1, exit);
        Assert.Contains("--threshold and --threshold-rule=youden both set the threshold", output);
    }

    [Fact]
    public void Predict_on_a_folder_without_images_says_so()
    {
        using var empty = new TempFolder();
        File.WriteAllText(empty.File("notes.txt"), "no images here");
        var e = Assert.Throws<MalariaLabException>(() => Predictor.Predict(tiny.Run, empty.Path, new CapturingLog()));
        Assert.Contains("no images found", e.Message);
    }

    [Fact]
    public void Lower_case_class_folders_are_named_as_near_misses()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 1, 1)]);
        Directory.Move(temp.File("data/Parasitized"), temp.File("data/parasitized"));
        Directory.Move(temp.File("data/Uninfected"), temp.File("data/uninfected"));
        var e = Assert.Throws<MalariaLabException>(() => DatasetIndexer.Build(temp.File("data"), "none", null, null, new CapturingLog()));
        Assert.Contains("found parasitized/, uninfected/: class folder names are case-sensitive", e.Message);
    }
}
