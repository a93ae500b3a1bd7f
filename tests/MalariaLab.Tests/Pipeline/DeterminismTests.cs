using MalariaLab.Runs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Pipeline;

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
            return RunManifest.Read(Directory.GetDirectories(artifacts.File("runs/seed-cnn")).Single());
        }
        var first = Train(a);
        var second = Train(b);
        Assert.Equal(first.SplitHash, second.SplitHash);
        Assert.Equal(first.Files["weights/best.bin"], second.Files["weights/best.bin"]);
        Assert.Equal(first.Files["weights/last.bin"], second.Files["weights/last.bin"]);
        Assert.Equal(first.Files["predictions.csv"], second.Files["predictions.csv"]);
    }
}
