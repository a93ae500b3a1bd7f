using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Comparison;
using MalariaLab.RunCache;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Runs;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>The gather step after a fan-out ran elsewhere (cluster array tasks): finds, from the run folders on disk,
/// the published run of every point or fold (the newest whose manifest carries that point's resolved spec hash, so
/// older runs of other settings are ignored), then writes the CV summary (folds; with split.test also the ensemble of
/// the fold models) or comparison + mean ± std (sweep).</summary>
public static class FanOutGather
{
    public sealed record Result(string Kind, IReadOnlyList<RunFolder> Runs, string Summary, RunFolder? Ensemble = null);

    public static Result Gather(PipelineOptions options, ILog log)
    {
        var fanOut = FanOut.Of(options);
        string name = fanOut.Runs[0].Spec.Name;
        var workspace = new Workspace(options.Artifacts);
        string runsRoot = workspace.RunsOf(name);
        var published = PublishedBySpecHash(runsRoot);
        var runs = new List<RunFolder>();
        var missing = new List<string>();
        foreach (var expected in fanOut.Runs)
        {
            if (published.TryGetValue(expected.Spec.Hash, out var run))
            {
                runs.Add(run);
                log.Info($"gather: task {expected.Task} ({expected.Label}): {run.Id}");
            }
            else missing.Add($"task {expected.Task} ({expected.Label}, spec hash {expected.Spec.Hash[..12]})");
        }
        if (missing.Count > 0)
            throw new MalariaLabException($"gather: {runsRoot}: no published run for {string.Join("; ", missing)}; " +
                "expected one per array task, trained with the same spec, --set and thread count as given here");

        string summary = fanOut.Kind == FanOut.Folds
            ? CvSummary.Write(runs, runsRoot, log)
            : SweepSummary.Write(runs.Select(ComparedRun.Load).ToList(),
                Path.Combine(workspace.Root, "sweeps", name, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)), log);
        // With split.test, the fold models also form the ensemble scored on the patients held out of every fold.
        var ensemble = fanOut.Kind == FanOut.Folds ? Ensembling.AfterCrossValidation(fanOut.Runs[0].Spec, runs, options, log) : null;
        return new Result(fanOut.Kind, runs, summary, ensemble);
    }

    /// <summary>Spec hash → the newest published run with it (run ids sort by time).</summary>
    static Dictionary<string, RunFolder> PublishedBySpecHash(string runsRoot)
    {
        var byHash = new Dictionary<string, RunFolder>(StringComparer.Ordinal);
        if (!Directory.Exists(runsRoot)) return byHash;
        foreach (var folder in Foundation.Common.FolderLinks.Subfolders(runsRoot).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(folder, RunManifest.FileName))) continue;
            var manifest = RunManifest.Read(folder);
            if (manifest.Status == RunStatus.Published) byHash[manifest.SpecHash] = RunFolder.Open(folder);
        }
        return byHash;
    }
}
