using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Pipeline;

public class DeterminismTests
{
    [Fact]
    public void Two_processes_with_the_same_spec_and_threads_write_byte_identical_weights()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        RunManifest Train(TempFolder artifacts)
        {
            var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "train", $"--dataset-source={TestPaths.SampleZip}", $"--mirror={TestPaths.SharedData}",
                $"--artifacts={artifacts.Path}", "--set=train.epochs=2", "--set=train.batch_size=16", "--set=train.threads=2");
            Assert.True(exit == 0, output);
            return RunManifest.Read(MalariaLab.Foundation.Common.FolderLinks.Subfolders(artifacts.File("runs/seed-cnn")).Single());
        }
        var first = Train(a);
        var second = Train(b);
        Assert.Equal(first.SplitHash, second.SplitHash);
        // Every model file, not only the weights: safetensors and ONNX carry no run id, time or path.
        var modelFiles = first.Files.Keys.Where(f => f.StartsWith("weights/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["weights/best.bin", "weights/best.onnx", "weights/best.safetensors", "weights/last.bin", "weights/last.onnx", "weights/last.safetensors"], modelFiles);
        foreach (var file in modelFiles) Assert.Equal(first.Files[file], second.Files[file]);
        Assert.Equal(first.Files["predictions.csv"], second.Files["predictions.csv"]);
    }

    /// <summary>Augmentation, a cosine schedule with AdamW and label smoothing, and dihedral TTA are all drawn from the seed:
    /// two processes give the same weights and predictions, and a different seed does not.</summary>
    [Fact]
    public void Augmented_training_is_repeatable_across_processes()
    {
        using var data = new TinyExperiment();
        RunManifest Train(string artifacts, int seed)
        {
            File.WriteAllText(data.File("spec.yaml"), TinyExperiment.Yaml.Replace("seed: 3", $"seed: {seed}") +
                "augment: {flips: dihedral8, brightness: 0.1, contrast: 0.1, saturation: 0.1, hue: 0.02, scale: 0.1, shift: 0.05}\n" +
                "evaluate: {tta: dihedral8}\n");
            var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "train", $"--experiment={data.File("spec.yaml")}", $"--artifacts={data.File(artifacts)}",
                $"--set=dataset.source={data.File("data")}", "--set=dataset.sha256=null", "--set=dataset.patient_maps_source=null",
                "--set=train.epochs=2", "--set=train.schedule=cosine", "--set=train.weight_decay=0.01", "--set=train.label_smoothing=0.1", "--set=train.lr=0.003");
            Assert.True(exit == 0, output);
            return RunManifest.Read(MalariaLab.Foundation.Common.FolderLinks.Subfolders(data.File($"{artifacts}/runs/tiny")).Single());
        }
        var first = Train("a", 3);
        var second = Train("b", 3);
        var other = Train("c", 4);
        Assert.Equal(first.Files["weights/best.bin"], second.Files["weights/best.bin"]);
        Assert.Equal(first.Files["weights/last.bin"], second.Files["weights/last.bin"]);
        Assert.Equal(first.Files["predictions.csv"], second.Files["predictions.csv"]);
        Assert.NotEqual(first.Files["weights/last.bin"], other.Files["weights/last.bin"]);
    }
}
