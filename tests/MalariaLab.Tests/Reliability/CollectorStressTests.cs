using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Reliability;

/// <summary>The whole Train → Evaluate → Publish command, run a second time with a thread that collects garbage and runs
/// finalizers back to back beside it (the startup hook in tests/MalariaLab.CollectorStress): the same model files and
/// predictions, no error. Any native object whose managed owner a collection can free while LibTorch still reads it
/// (an implicit Scalar, a temporary tensor) shows here in most runs, not in one run of many under load. It caught
/// TorchSharp's own BatchNorm.forward (num_batches_tracked.add_(1), see HeldBatchNorm2d): "toLong" in the first epoch,
/// and in CI a resumed training with other weights.</summary>
public class CollectorStressTests
{
    static string[] Arguments(string artifacts, string arch) =>
        ["train", $"--experiment={Path.Combine(TestPaths.RepoRoot, "experiments", "ci-smoke.yaml")}", $"--mirror={TestPaths.SharedData}",
         $"--artifacts={artifacts}", $"--set=model.arch={arch}", "--set=train.epochs=2", "--set=train.threads=2",
         "--set=augment.flips=dihedral8", "--set=augment.shift=0.1", "--set=augment.brightness=0.1", "--set=augment.contrast=0.1"];

    /// <summary>The weights files by SHA-256 and the evaluation's predictions, of the one run trained there.</summary>
    static Dictionary<string, string> Results(string artifacts)
    {
        string run = Assert.Single(MalariaLab.Foundation.Common.FolderLinks.Subfolders(Path.Combine(artifacts, "runs", "ci-smoke")));
        var results = RunManifest.Read(run).Files.Where(f => f.Key.StartsWith("weights/", StringComparison.Ordinal)).ToDictionary();
        results["predictions.csv"] = File.ReadAllText(Path.Combine(run, "predictions.csv"));
        return results;
    }

    [UnixTheory]
    [InlineData("seed-cnn")]
    [InlineData("compact-cnn")]
    public void Training_beside_a_collector_running_back_to_back_gives_the_same_results(string arch)
    {
        string hook = Path.Combine(AppContext.BaseDirectory, "MalariaLab.CollectorStress.dll");
        Assert.True(File.Exists(hook), $"{hook} is built with the tests");
        using var quiet = new TempFolder();
        using var stressed = new TempFolder();

        var (exit, log) = CliProcess.Run(TestPaths.RepoRoot, Arguments(quiet.Path, arch));
        Assert.True(exit == 0, log);
        string hooks = Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS") is { Length: > 0 } others ? $"{others}{Path.PathSeparator}{hook}" : hook;
        var (stressedExit, stressedLog) = CliProcess.RunWithEnvironment(TestPaths.RepoRoot,
            new Dictionary<string, string> { ["DOTNET_STARTUP_HOOKS"] = hooks }, Arguments(stressed.Path, arch));
        Assert.True(stressedExit == 0, stressedLog);
        Assert.Contains("collector stress: collecting back to back", stressedLog);
        Assert.Equal(Results(quiet.Path), Results(stressed.Path));
    }
}
