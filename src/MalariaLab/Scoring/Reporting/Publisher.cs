using MalariaLab.Foundation.Common;
using MalariaLab.RunCache;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Scoring.Reporting;

/// <summary>Publish: writes the report, then seals the run: the manifest lists every file with its SHA-256 and the
/// status "published", files become read-only, and runs/&lt;experiment&gt;/latest names the run. Publishing a
/// published run again changes nothing.</summary>
public static class Publisher
{
    public static readonly StageDefinition Definition = new("publish", 1,
        "Write report.md/html and seal the run: every file and its SHA-256 in manifest.json, read-only, latest pointer.",
        [], ["evaluate"], ["runs/<experiment>/<run-id>/report.md", "report.html", "manifest.json (sealed)", "runs/<experiment>/latest"])
    {
        Run = (c, _) =>
        {
            var run = Modelling.Training.TrainStage.RunOf(c);
            Publish(run, c.Spec, c.Log);
            return ResultOf(run);
        },
        ExtraInputs = Modelling.Training.TrainStage.RunInput,
    };

    public static void Publish(RunFolder run, ExperimentSpec spec, ILog log)
    {
        var manifest = RunManifest.Read(run.Path);
        if (manifest.Status == RunStatus.Published)
        {
            RunSeal.Verify(run, manifest);
            RunSeal.Seal(run); // completes a publish that was killed after the manifest was sealed
            log.Info($"publish: {run.Path} is already published; nothing changed");
            return;
        }
        var metrics = RunFiles.ReadMetrics(run);
        if (manifest.Status != RunStatus.Complete || metrics is null)
            throw new MalariaLabException($"{run.Path}: only a complete, evaluated run can be published (status '{manifest.Status}')");
        string markdown = ReportWriter.Markdown(run, manifest, metrics, spec);
        if (PatientOverlap.Of(Data.Splitting.SplitFile.Read(run.File("split.csv"))) is { } overlap) log.Warn($"publish: {overlap}");
        AtomicFile.WriteAllText(run.File("report.md"), markdown);
        AtomicFile.WriteAllText(run.File("report.html"), ReportWriter.Html(markdown, run.Path));
        var sealedManifest = manifest with { Status = RunStatus.Published, Files = run.HashFiles() };
        RunSeal.WriteSealed(run, sealedManifest);
        RunSeal.Seal(run);
        log.Info($"publish: sealed {sealedManifest.Files.Count} files in {run.Path}; runs/{manifest.Experiment}/latest → {run.Id}");
        log.Info($"report: {run.File("report.html")}");
    }

    /// <summary>The lock of a published run: its sealed manifest by hash.</summary>
    public static StageResult ResultOf(RunFolder run) =>
        new(new Dictionary<string, LockedOutput>
            {
                [RunManifest.FileName] = StageCache.HashedFile(run.File(RunManifest.FileName)),
                [RunSeal.ManifestSeal] = StageCache.HashedFile(run.File(RunSeal.ManifestSeal)),
            },
            new Dictionary<string, string> { ["run"] = run.Path });
}
