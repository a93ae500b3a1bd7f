using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Scoring.Evaluation;
using MalariaLab.Scoring.Figures;
using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;

namespace MalariaLab.Workflows.Ensembles;

/// <summary>What an ensemble is scored on: images of the members' data (their shared held-out test patients) or of a
/// labelled folder / zip, and a description for the report.</summary>
public sealed record EnsembleData(EvaluationData Data, IReadOnlyList<SplitRow> Scored, string Source);

/// <summary>Publishes an ensemble like a run: runs/NAME/RUN-ID/ with predictions, metrics (the ensemble's and each
/// member's on the same images), figures, report, and a sealed manifest naming every member with the SHA-256 of its
/// manifest. The scored patients must be new to every member. Files go into the claimed folder, whose manifest says
/// "running" until it is sealed last; a failure removes the folder, and the same ensemble made again is reused.</summary>
public static class EnsemblePublisher
{
    public const string MembersCsv = "members.csv";

    public static RunFolder Publish(IReadOnlyList<MemberRun> members, EnsembleData input, string name, double threshold, string runsRoot, ILog log)
    {
        if (input.Scored.Count == 0) throw new MalariaLabException("ensemble: no images to score");
        EnsembleMembers.RefuseSeenPatients(members, input.Scored.Select(r => r.Patient), $"ensemble {name}");
        var info = new EnsembleInfo([.. members.Select(m => new EnsembleMember(m.Reference, Hashing.Sha256OfFile(m.Folder.File(RunManifest.FileName))))], threshold);
        string scoredHash = Hashing.Sha256Hex(string.Join("\n", input.Scored.Select(r => r.Path)));
        string folder = Path.Combine(runsRoot, name);
        if (Existing(folder, info, input.Data.DatasetFingerprint, scoredHash) is { } same)
        {
            log.Info($"ensemble: {same.Path} already combines these members (same manifests, threshold and scored images); reused");
            return same;
        }

        var started = DateTimeOffset.UtcNow;
        log.Info($"ensemble {name}: {Plural.Of(members.Count, "member")} on {Plural.Of(input.Scored.Count, "image")} of " +
                 $"{Plural.Of(input.Scored.Select(r => r.Patient).Distinct().Count(), "patient")} ({input.Source})");
        var scores = EnsembleScorer.Score(members, input.Data.Prepared, input.Data.Index, input.Scored);
        // The folder is claimed (CreateNew on .claim, kept) so no other ensemble takes its id; its manifest says
        // "running" until sealed, so a killed publish is visible as such, never taken for a finished ensemble.
        var run = RunFolder.Create(folder, DateTimeOffset.UtcNow);
        var manifest = new RunManifest
        {
            RunId = run.Id, Experiment = name, Status = RunStatus.Running, Seed = members[0].Manifest.Seed, SpecHash = "",
            DatasetSource = input.Source, DatasetFingerprint = input.Data.DatasetFingerprint, SplitHash = scoredHash,
            Threads = members.Max(m => m.Manifest.Threads), MallocTuned = members[0].Manifest.MallocTuned, Environment = EnvironmentInfo.Capture(),
            Started = started, StopReason = "ensemble (no training)", Ensemble = info,
        };
        manifest.Write(run.Path);
        EvaluationMetrics metrics;
        try
        {
            var predictions = Predictions(input.Scored, scores.Mean, threshold);
            metrics = EvaluationMetrics.Compute(predictions, Subsets.Test, threshold, "mean of the members' probabilities");
            EvaluateStage.WriteResults(run.Path, predictions, metrics, log);
            var memberMetrics = members.Select((m, k) => EvaluationMetrics.Compute(Predictions(input.Scored, scores.PerMember[k], m.Spec.Evaluate.Threshold),
                Subsets.Test, m.Spec.Evaluate.Threshold, m.Weights)).ToList();
            WriteMembers(run.File(MembersCsv), members, memberMetrics, info);

            var spec = SpecLoader.Override(members[0].Spec, (SpecKeys.Evaluate.Threshold, threshold.ToString("R", CultureInfo.InvariantCulture)));
            manifest = manifest with { Status = RunStatus.Complete, Ended = DateTimeOffset.UtcNow };
            var rowOf = input.Data.Index.Select((r, i) => (r.Path, i)).ToDictionary(x => x.Path, x => x.i, StringComparer.Ordinal);
            var context = new FigureContext(spec, manifest, [], metrics, predictions, null,
                i => input.Data.Prepared.Image(rowOf[predictions[i].Path]).ToArray(), [], path => throw new InvalidOperationException("an ensemble has no sample grid"));
            FigureRegistry.DrawAll(context, run.File("plots"));
            string markdown = EnsembleReport.Markdown(manifest, metrics, members, memberMetrics, input, run.Path, spec);
            AtomicFile.WriteAllText(run.File("report.md"), markdown);
            AtomicFile.WriteAllText(run.File("report.html"), Scoring.Reporting.ReportWriter.Html(markdown, run.Path));
            RunSeal.WriteSealed(run, manifest with { Status = RunStatus.Published, Files = run.HashFiles() });
            RunSeal.Seal(run);
        }
        catch
        {
            Directory.Delete(run.Path, recursive: true); // never a half-written ensemble
            throw;
        }
        log.Info($"ensemble ({metrics.Images} images, threshold {threshold}): " + string.Join(", ", MetricRegistry.All.Select(m => $"{m.Name} {metrics[m.Name]:F4}")));
        log.Info($"ensemble: published {run.Path}; runs/{name}/latest → {run.Id}");
        return run;
    }

    /// <summary>A published, intact ensemble of exactly these member manifests, threshold and scored images.</summary>
    static RunFolder? Existing(string folder, EnsembleInfo info, string fingerprint, string scoredHash)
    {
        if (!Directory.Exists(folder)) return null;
        foreach (var dir in Foundation.Common.FolderLinks.Subfolders(folder).Order(StringComparer.Ordinal).Reverse())
        {
            if (!File.Exists(Path.Combine(dir, RunManifest.FileName))) continue;
            var manifest = RunManifest.Read(dir);
            if (manifest.Status != RunStatus.Published || manifest.Ensemble is not { } other || other.Threshold != info.Threshold
                || manifest.DatasetFingerprint != fingerprint || manifest.SplitHash != scoredHash || !other.Members.SequenceEqual(info.Members)) continue;
            var run = RunFolder.Open(dir);
            RunSeal.Verify(run, manifest);
            return run;
        }
        return null;
    }

    static List<ScoredImage> Predictions(IReadOnlyList<SplitRow> scored, double[] p, double threshold) =>
        scored.Select((r, i) => new ScoredImage(r.Path, r.Label, r.Patient, p[i], p[i] >= threshold ? Labels.Parasitized : Labels.Uninfected)).ToList();

    static void WriteMembers(string path, IReadOnlyList<MemberRun> members, IReadOnlyList<EvaluationMetrics> metrics, EnsembleInfo info)
    {
        string[] headline = [.. MetricRegistry.All.Select(m => m.Name)];
        AtomicFile.WriteAllText(path, Csv.Write(["member", "manifest_sha256", "weights", "tta", "threshold", .. headline],
            members.Select((m, k) => (IReadOnlyList<string>)[m.Reference, info.Members[k].ManifestSha256, m.Weights, m.Spec.Evaluate.Tta,
                m.Spec.Evaluate.Threshold.ToString("R", CultureInfo.InvariantCulture), .. headline.Select(h => metrics[k][h].ToString("R", CultureInfo.InvariantCulture))])));
    }
}
