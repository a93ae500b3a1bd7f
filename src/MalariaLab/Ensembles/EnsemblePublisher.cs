using System.Globalization;
using MalariaLab.Common;
using MalariaLab.Evaluation;
using MalariaLab.Figures;
using MalariaLab.Indexing;
using MalariaLab.Metrics;
using MalariaLab.Prepare;
using MalariaLab.Runs;
using MalariaLab.Specs;
using MalariaLab.Splitting;

namespace MalariaLab.Ensembles;

/// <summary>What an ensemble is scored on: images of the members' data (their shared held-out test patients) or of a
/// labelled folder / zip, and a description for the report.</summary>
public sealed record EnsembleData(EvaluationData Data, IReadOnlyList<SplitRow> Scored, string Source);

/// <summary>Publishes an ensemble like a run: runs/NAME/RUN-ID/ with predictions, metrics (the ensemble's and each
/// member's on the same images), figures, report, and a sealed manifest naming every member with the SHA-256 of its
/// manifest. The scored patients must be new to every member. Files go into the claimed folder and the manifest is
/// sealed last: a folder without a sealed manifest is not an ensemble, and a failure removes it.</summary>
public static class EnsemblePublisher
{
    public const string MembersCsv = "members.csv";

    public static RunFolder Publish(IReadOnlyList<MemberRun> members, EnsembleData input, string name, double threshold, string runsRoot, ILog log)
    {
        if (input.Scored.Count == 0) throw new MalariaLabException("ensemble: no images to score");
        EnsembleMembers.RefuseSeenPatients(members, input.Scored.Select(r => r.Patient), $"ensemble {name}");
        if (members.Select(m => m.Manifest.DatasetFingerprint).Distinct().Count() > 1) throw new InvalidOperationException("members were checked to share data");

        var started = DateTimeOffset.UtcNow;
        log.Info($"ensemble {name}: {Plural.Of(members.Count, "member")} on {Plural.Of(input.Scored.Count, "image")} of " +
                 $"{Plural.Of(input.Scored.Select(r => r.Patient).Distinct().Count(), "patient")} ({input.Source})");
        var scores = EnsembleScorer.Score(members, input.Data.Prepared, input.Data.Index, input.Scored);
        var run = RunFolder.Create(Path.Combine(runsRoot, name), started);
        try
        {
            var predictions = Predictions(input.Scored, scores.Mean, threshold);
            var metrics = EvaluationMetrics.Compute(predictions, Subsets.Test, threshold, "mean of the members' weights' probabilities");
            EvaluateStage.WriteResults(run.Path, predictions, metrics, log);
            var memberMetrics = members.Select((m, k) => EvaluationMetrics.Compute(Predictions(input.Scored, scores.PerMember[k], m.Spec.Evaluate.Threshold),
                Subsets.Test, m.Spec.Evaluate.Threshold, m.Weights)).ToList();
            WriteMembers(run.File(MembersCsv), members, memberMetrics);

            var spec = SpecLoader.Override(members[0].Spec, ("evaluate.threshold", threshold.ToString("R", CultureInfo.InvariantCulture)));
            var info = new EnsembleInfo([.. members.Select(m => new EnsembleMember(m.Reference, Hashing.Sha256OfFile(m.Folder.File(RunManifest.FileName))))], threshold);
            var manifest = new RunManifest
            {
                RunId = run.Id, Experiment = name, Status = RunStatus.Complete, Seed = members[0].Manifest.Seed, SpecHash = "",
                DatasetSource = input.Source, DatasetFingerprint = input.Data.DatasetFingerprint, SplitHash = Hashing.Sha256Hex(string.Join("\n", input.Scored.Select(r => r.Path))),
                Threads = members.Max(m => m.Manifest.Threads), MallocTuned = members[0].Manifest.MallocTuned, Environment = EnvironmentInfo.Capture(),
                Started = started, Ended = DateTimeOffset.UtcNow, StopReason = "ensemble (no training)", Ensemble = info,
            };
            var rowOf = input.Data.Index.Select((r, i) => (r.Path, i)).ToDictionary(x => x.Path, x => x.i, StringComparer.Ordinal);
            var context = new FigureContext(spec, manifest, [], metrics, predictions, null,
                i => input.Data.Prepared.Image(rowOf[predictions[i].Path]).ToArray(), [], path => throw new InvalidOperationException("an ensemble has no sample grid"));
            FigureRegistry.DrawAll(context, run.File("plots"));
            string markdown = EnsembleReport.Markdown(manifest, metrics, members, memberMetrics, input, run.Path, spec);
            AtomicFile.WriteAllText(run.File("report.md"), markdown);
            AtomicFile.WriteAllText(run.File("report.html"), Reporting.ReportWriter.Html(markdown, run.Path));
            File.Delete(run.File(".claim"));
            RunSeal.WriteSealed(run, manifest with { Status = RunStatus.Published, Files = run.HashFiles() });
            RunSeal.Seal(run);
        }
        catch
        {
            Directory.Delete(run.Path, recursive: true); // never a half-written ensemble
            throw;
        }
        var scored = RunFiles.ReadMetrics(run)!;
        log.Info($"ensemble ({scored.Images} images, threshold {threshold}): " + string.Join(", ", MetricRegistry.All.Select(m => $"{m.Name} {scored[m.Name]:F4}")));
        log.Info($"ensemble: published {run.Path}; runs/{name}/latest → {run.Id}");
        return run;
    }

    static List<ScoredImage> Predictions(IReadOnlyList<SplitRow> scored, double[] p, double threshold) =>
        scored.Select((r, i) => new ScoredImage(r.Path, r.Label, r.Patient, p[i], p[i] >= threshold ? Labels.Parasitized : Labels.Uninfected)).ToList();

    static void WriteMembers(string path, IReadOnlyList<MemberRun> members, IReadOnlyList<EvaluationMetrics> metrics)
    {
        string[] headline = [.. MetricRegistry.All.Select(m => m.Name)];
        AtomicFile.WriteAllText(path, Csv.Write(["member", "manifest_sha256", "weights", "tta", "threshold", .. headline],
            members.Select((m, k) => (IReadOnlyList<string>)[m.Reference, Hashing.Sha256OfFile(m.Folder.File(RunManifest.FileName)), m.Weights, m.Spec.Evaluate.Tta,
                m.Spec.Evaluate.Threshold.ToString("R", CultureInfo.InvariantCulture), .. headline.Select(h => metrics[k][h].ToString("R", CultureInfo.InvariantCulture))])));
    }
}
