using System.Diagnostics;
using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Pipeline;

/// <summary>A training stopped by kill -9 or SIGTERM resumes from its last finished epoch when Train runs again, and ends
/// with model files byte-identical to an uninterrupted run's (every RNG stream, the optimizer and the counters are in
/// the checkpoint). The real sample, so an epoch lasts long enough to be interrupted in the middle of the run.</summary>
public class ResumeTests
{
    static string[] Arguments(string artifacts, string arch) =>
        ["train", $"--experiment={Path.Combine(TestPaths.RepoRoot, "experiments", "ci-smoke.yaml")}", $"--mirror={TestPaths.SharedData}",
         $"--artifacts={artifacts}", $"--set=model.arch={arch}", "--set=train.epochs=4", "--set=train.threads=2",
         "--set=augment.flips=dihedral8", "--set=augment.brightness=0.1"];

    static Dictionary<string, string> ModelFiles(string artifacts)
    {
        var manifest = RunManifest.Read(Assert.Single(MalariaLab.Foundation.Common.FolderLinks.Subfolders(Path.Combine(artifacts, "runs", "ci-smoke"))));
        Assert.Equal(RunStatus.Published, manifest.Status);
        return manifest.Files.Where(f => f.Key.StartsWith("weights/", StringComparison.Ordinal)).ToDictionary();
    }

    /// <summary>Starts Train, waits for the log line of epoch 2 and stops the process with the signal.</summary>
    static (int Exit, string Log) Interrupted(string artifacts, string arch, string signal)
    {
        using var process = CliProcess.Start(Arguments(artifacts, arch));
        var log = new System.Text.StringBuilder();
        string? line;
        while ((line = process.StandardError.ReadLine()) is not null)
        {
            log.AppendLine(line);
            if (!line.StartsWith("epoch 2/4:", StringComparison.Ordinal)) continue;
            Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            break;
        }
        log.Append(process.StandardError.ReadToEnd());
        process.WaitForExit();
        return (process.ExitCode, log.ToString());
    }

    [UnixTheory]
    [InlineData("seed-cnn", "KILL")]
    [InlineData("seed-cnn", "TERM")]
    [InlineData("wide-gap-cnn", "KILL")] // its dropout draws from LibTorch's generator
    public void An_interrupted_training_resumes_to_the_same_model_files(string arch, string signal)
    {
        using var straight = new TempFolder();
        using var interrupted = new TempFolder();
        var (exit, straightLog) = CliProcess.Run(TestPaths.RepoRoot, Arguments(straight.Path, arch));
        Assert.True(exit == 0, straightLog);

        var (stoppedExit, stoppedLog) = Interrupted(interrupted.Path, arch, signal);
        Assert.True(stoppedExit == (signal == "TERM" ? 143 : 137), $"exit {stoppedExit}\n{stoppedLog}");
        string runFolder = Assert.Single(MalariaLab.Foundation.Common.FolderLinks.Subfolders(interrupted.File("runs/ci-smoke")));
        Assert.Equal(signal == "TERM" ? RunStatus.Incomplete : RunStatus.Running, RunManifest.Read(runFolder).Status);

        var (resumedExit, resumedLog) = CliProcess.Run(TestPaths.RepoRoot, Arguments(interrupted.Path, arch));
        Assert.True(resumedExit == 0, resumedLog);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(resumedLog, "train: resuming after epoch [1-3] of 4"), $"interrupted:\n{stoppedLog}\nresumed:\n{resumedLog}");
        Assert.False(Directory.Exists(Path.Combine(runFolder, "resume")), "a finished run keeps no checkpoint");
        var expected = ModelFiles(straight.Path);
        var actual = ModelFiles(interrupted.Path);
        // On a difference, the epochs of all three processes: where the losses part says which epoch went wrong.
        Assert.True(expected.OrderBy(f => f.Key).SequenceEqual(actual.OrderBy(f => f.Key)), $"other model files after the resume\nstraight run's: {string.Join(", ", expected.OrderBy(f => f.Key))}\nresumed run's: {string.Join(", ", actual.OrderBy(f => f.Key))}\nstraight:\n{Epochs(straightLog)}\ninterrupted:\n{Epochs(stoppedLog)}\nresumed:\n{Epochs(resumedLog)}");
    }

    static string Epochs(string log) =>
        string.Join("\n", log.Split('\n').Where(l => l.StartsWith("epoch ", StringComparison.Ordinal) || l.Contains("resuming") || l.StartsWith("training stopped", StringComparison.Ordinal)));
}
