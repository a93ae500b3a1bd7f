using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Scoring.Reporting;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;

namespace MalariaLab.Scoring.Evaluation;

/// <summary>What to score a published run on: a subset of its own split, or labelled data from elsewhere.</summary>
public sealed record EvaluationRequest(double Threshold, string Subset, string Label, string Source)
{
    /// <summary>What the scored data shares with the run's training and validation data, when scored anyway (--allow-overlap).</summary>
    public string? Overlap { get; init; }
}

/// <summary>Evaluate on a published run: a new folder evaluations/&lt;time&gt;-&lt;label&gt;/ with its own metrics, figures,
/// report and manifest, written to a temp folder and renamed into place. The sealed files are verified before and
/// after and never changed; the run's evaluations/index lists every evaluation.</summary>
public static class PublishedRunEvaluation
{
    public static string Write(RunFolder run, ExperimentSpec spec, EvaluationData data, IReadOnlyList<SplitRow> split, EvaluationRequest request, ILog log)
    {
        var manifest = RunManifest.Read(run.Path);
        RunSeal.Verify(run, manifest);
        string manifestSha = Hashing.Sha256OfFile(run.File(RunManifest.FileName));
        var created = DateTimeOffset.UtcNow;
        string name = $"{created.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{request.Label}";
        string root = run.File(EvaluationManifest.Folder), target = Path.Combine(root, name);
        Directory.CreateDirectory(root);
        string temp = Path.Combine(root, TempFiles.NameFor(name));
        try
        {
            Directory.CreateDirectory(temp);
            var metrics = EvaluateStage.Score(run, manifest, spec, data, split, request.Subset, request.Threshold, temp, log);
            var evaluation = new EvaluationManifest
            {
                RunId = run.Id, RunManifestSha256 = manifestSha, Label = request.Label, Created = created, Threshold = request.Threshold,
                Subset = metrics.Subset, Source = request.Source, DatasetFingerprint = data.DatasetFingerprint, Images = metrics.Images,
                Overlap = request.Overlap,
            };
            // The scored subset's patients against the training patients (labelled --input data has no training rows here).
            var scored = split.Where(r => r.Subset == Subsets.Train || r.Subset == metrics.Subset).ToList();
            EvaluationReport.Write(temp, evaluation, metrics, spec, request.Overlap ?? PatientOverlap.Of(scored));
            var files = new SortedDictionary<string, string>(Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(temp, f).Replace('\\', '/'), Hashing.Sha256OfFile), StringComparer.Ordinal);
            (evaluation with { Files = files }).Write(temp);
            target = MoveToFreeName(temp, target);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
        EvaluationReport.WriteIndex(run);
        RunSeal.Verify(run, RunManifest.Read(run.Path)); // the sealed run is exactly as it was
        log.Info($"evaluate: wrote {target} (listed in {Path.Combine(root, "index.html")}); the sealed run is unchanged");
        return target;
    }

    /// <summary>Renames the finished folder to <paramref name="target"/>, or to target-2, -3, ... when another evaluation
    /// of the run (finished in the same second, perhaps by another process) took the name: the rename is the claim.</summary>
    static string MoveToFreeName(string temp, string target)
    {
        for (int n = 1; ; n++)
        {
            string name = n == 1 ? target : $"{target}-{n}";
            if (Directory.Exists(name)) continue;
            try
            {
                Directory.Move(temp, name);
                return name;
            }
            catch (IOException) when (Directory.Exists(name) && n < 1000) { }
        }
    }

    /// <summary>A label that is safe as part of a folder name.</summary>
    public static string Label(string? given, double threshold, string subset, string? input)
    {
        string label = given ?? (input is null ? $"{subset}-t{threshold.ToString(CultureInfo.InvariantCulture)}" : $"{Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(input))}-t{threshold.ToString(CultureInfo.InvariantCulture)}");
        label = string.Concat(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        return label.Length is 0 or > 64 ? throw new MalariaLabException($"--label: '{given}' must give 1-64 letters, digits, '.', '-' or '_'") : label;
    }
}
