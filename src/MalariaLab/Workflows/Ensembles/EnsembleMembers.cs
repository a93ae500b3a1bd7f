using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;

namespace MalariaLab.Workflows.Ensembles;

/// <summary>A verified member of an ensemble: a published trained run, its manifest and spec, and its reference
/// (EXPERIMENT/RUN-ID under the runs folder).</summary>
public sealed record MemberRun(string Reference, RunFolder Folder, RunManifest Manifest, ExperimentSpec Spec)
{
    public string Weights => Spec.Train.RestoreBest ? "weights/best.bin" : "weights/last.bin";
    public IReadOnlyList<SplitRow> Split() => SplitFile.Read(Folder.File("split.csv"));
}

/// <summary>Which runs may form an ensemble, and the checks every reader of a published ensemble makes: each member is
/// a published, sealed trained run whose manifest still has the SHA-256 the ensemble recorded; all members read the same
/// data with the same preprocessing (one prepared image feeds them all).</summary>
public static class EnsembleMembers
{
    /// <summary>Runs chosen by the user → verified members (two or more, no duplicates, no ensembles of ensembles), in
    /// reference order: the same runs make the same ensemble whatever order they were given in.</summary>
    public static List<MemberRun> Of(IReadOnlyList<RunFolder> runs, string runsRoot)
    {
        if (runs.Count < 2) throw new MalariaLabException($"ensemble: {Plural.Of(runs.Count, "run")} given; an ensemble needs two or more published runs");
        var members = new List<MemberRun>();
        foreach (var run in runs)
        {
            string reference = ReferenceOf(run, runsRoot);
            if (members.Any(m => m.Reference == reference)) throw new MalariaLabException($"ensemble: {reference} is given twice");
            var manifest = RunManifest.Read(run.Path);
            RunSeal.Verify(run, manifest);
            if (manifest.Ensemble is not null) throw new MalariaLabException($"{run.Path}: is itself an ensemble; give its member runs instead");
            members.Add(new MemberRun(reference, run, manifest, SpecLoader.LoadFile(run.File("spec.yaml"))));
        }
        members.Sort((a, b) => string.CompareOrdinal(a.Reference, b.Reference));
        CheckCompatible(members);
        return members;
    }

    /// <summary>The members a published ensemble names, each verified (seal, files) and compared with the manifest
    /// SHA-256 recorded when the ensemble was made: a member retrained or edited since is refused.</summary>
    public static List<MemberRun> Load(RunFolder ensemble, RunManifest manifest)
    {
        var info = manifest.Ensemble ?? throw new MalariaLabException($"{ensemble.Path}: not an ensemble");
        string runsRoot = RunsRootOf(ensemble);
        var members = new List<MemberRun>();
        foreach (var member in info.Members)
        {
            string folder = Path.Combine(runsRoot, member.Run);
            if (!File.Exists(Path.Combine(folder, RunManifest.FileName)))
                throw new MalariaLabException($"{ensemble.Path}: member {member.Run} is missing (expected {folder})");
            var run = RunFolder.Open(folder);
            var memberManifest = RunManifest.Read(run.Path);
            RunSeal.Verify(run, memberManifest);
            string sha = Hashing.Sha256OfFile(run.File(RunManifest.FileName));
            if (sha != member.ManifestSha256)
                throw new MalariaLabException($"{ensemble.Path}: member {member.Run} has manifest SHA-256 {sha[..12]}, the ensemble recorded {member.ManifestSha256[..12]} (replaced?)");
            if (memberManifest.Ensemble is not null || members.Any(m => m.Reference == member.Run))
                throw new MalariaLabException($"{ensemble.Path}: member {member.Run} is an ensemble or listed twice (edited?)");
            members.Add(new MemberRun(member.Run, run, memberManifest, SpecLoader.LoadFile(run.File("spec.yaml"))));
        }
        CheckCompatible(members);
        return members;
    }

    /// <summary>Patients each member trained or validated on (both shaped the model: weights, early stopping, checkpoint).</summary>
    public static Dictionary<string, List<string>> SeenPatients(IReadOnlyList<MemberRun> members)
    {
        var seen = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var member in members)
            foreach (string patient in member.Split().Where(r => r.Subset is Subsets.Train or Subsets.Validation).Select(r => r.Patient).Distinct())
                (seen.TryGetValue(patient, out var list) ? list : seen[patient] = []).Add(member.Reference);
        return seen;
    }

    /// <summary>Refuses scoring data whose patients a member trained or validated on: an ensemble's score must be on
    /// patients new to every member.</summary>
    public static void RefuseSeenPatients(IReadOnlyList<MemberRun> members, IEnumerable<string> scoredPatients, string what)
    {
        var seen = SeenPatients(members);
        var overlap = scoredPatients.Distinct().Where(seen.ContainsKey).Order(StringComparer.Ordinal).ToList();
        if (overlap.Count == 0) return;
        string examples = string.Join("; ", overlap.Take(3).Select(p => $"patient {p} (trained on by {string.Join(", ", seen[p])})"));
        throw new MalariaLabException($"{what}: {Plural.Of(overlap.Count, "patient")} of the scored data were seen in training by a member: {examples}" +
                                      (overlap.Count > 3 ? ", …" : "") + ". An ensemble is scored only on patients no member saw (use split.test in patient-kfold, or other data).");
    }

    public static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash.Length == 0 ? "(none)" : hash;

    /// <summary>The runs folder an ensemble or run lives in (runs/EXPERIMENT/RUN-ID).</summary>
    public static string RunsRootOf(RunFolder run) => Path.GetDirectoryName(Path.GetDirectoryName(run.Path)!)!;

    static string ReferenceOf(RunFolder run, string runsRoot)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runsRoot));
        if (RunsRootOf(run) != root)
            throw new MalariaLabException($"{run.Path}: an ensemble's members must be runs under {root} (the ensemble refers to them from there)");
        return $"{Path.GetFileName(Path.GetDirectoryName(run.Path))}/{run.Id}";
    }

    static void CheckCompatible(List<MemberRun> members)
    {
        var first = members[0];
        foreach (var m in members)
            if (m.Spec.Evaluate.ThresholdRule != "fixed" || m.Spec.Evaluate.TemperatureScaling)
                throw new MalariaLabException($"ensemble: {m.Reference} fits a threshold or temperature on its validation subset (evaluate.threshold_rule / temperature_scaling); " +
                                              "an ensemble averages uncalibrated probabilities at one threshold: give members with threshold_rule fixed and no temperature scaling");
        foreach (var m in members.Skip(1))
        {
            if (m.Spec.Preprocess != first.Spec.Preprocess)
                throw new MalariaLabException($"ensemble: {m.Reference} prepares images differently from {first.Reference} (preprocess.*); members must share one preprocessing");
            if (m.Manifest.DatasetFingerprint != first.Manifest.DatasetFingerprint)
                throw new MalariaLabException($"ensemble: {m.Reference} was trained on other data (fingerprint {Short(m.Manifest.DatasetFingerprint)}) than {first.Reference} ({Short(first.Manifest.DatasetFingerprint)})");
        }
    }
}
