using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Pipeline;

namespace MalariaLab.Tests.Reliability;

/// <summary>A kill -9 inside the seal (after the seal file was renamed into place, before the manifest was) leaves a
/// complete run with a mismatched seal and the manifest's orphan temp file. Train finishes that run's publish; it
/// never trains a new one.</summary>
[Collection(LibTorchCollection.Name)]
public class SealInterruptionTests
{
    [Fact]
    public void A_publish_killed_between_the_seal_renames_is_finished_not_retrained()
    {
        using var tiny = new TinyExperiment();
        var options = tiny.Options();
        var walk = new Orchestrator(tiny.Spec(options), options, new CapturingLog());
        walk.Resolve("evaluate");
        var run = walk.Run!;
        Assert.Equal(RunStatus.Complete, RunManifest.Read(run.Path).Status);

        // The state the kill leaves: the new seal (of a manifest never renamed into place), report files, and the
        // manifest's temp file from a process that is gone.
        File.WriteAllText(run.File(RunSeal.ManifestSeal), $"{new string('a', 64)}  {RunManifest.FileName}\n");
        File.WriteAllText(run.File("report.md"), "# half");
        string orphan = run.File($".{RunManifest.FileName}.{Environment.MachineName}.999999999.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(orphan, "{ \"status\": \"published\" }");
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddMinutes(-5));

        var log = new CapturingLog();
        var finished = new Orchestrator(tiny.Spec(options), options, log).TrainEvaluatePublish();

        Assert.Equal(run.Path, finished.Path);
        Assert.Single(FolderLinks.Subfolders(Path.GetDirectoryName(run.Path)!));
        Assert.Contains("train: run ", log.Text);
        Assert.DoesNotContain("epoch 1/", log.Text);
        var manifest = RunManifest.Read(run.Path);
        Assert.Equal(RunStatus.Published, manifest.Status);
        RunSeal.Verify(run, manifest);
        Assert.False(File.Exists(orphan));
        Assert.NotEqual("# half", File.ReadAllText(run.File("report.md")));
    }
}
