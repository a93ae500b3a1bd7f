using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Ensembles;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>Ensemble: chosen published runs (the k fold models of a cross-validation, or several seeds) combined and
/// published like a run. Scored on the images every member holds out as test (the patients split.test keeps out of
/// every fold), or on labelled data given as a folder or zip; either way, patients a member saw are refused.</summary>
public static class Ensembling
{
    public static RunFolder Publish(IReadOnlyList<RunFolder> runs, PipelineOptions options, string? name, double? threshold, string? input, ILog log)
    {
        string runsRoot = new RunCache.Workspace(options.Artifacts).Runs;
        var members = EnsembleMembers.Of(runs, runsRoot);
        var first = members[0];
        string what = name is null ? "ensemble name" : "--name";
        const string suffix = "-ensemble";
        name ??= first.Manifest.Experiment[..Math.Min(first.Manifest.Experiment.Length, SpecValidator.MaxIdentifier - suffix.Length)] + suffix;
        if (!SpecValidator.IsIdentifier(name))
            throw new MalariaLabException($"{what} '{name}': expected a name like an experiment's: 1-{SpecValidator.MaxIdentifier} letters, digits, '-', '_' or '.', starting with a letter or digit");
        string folder = Path.Combine(runsRoot, name);
        if (Directory.Exists(folder) && Foundation.Common.FolderLinks.Subfolders(folder).Any(d => File.Exists(Path.Combine(d, RunManifest.FileName)) && RunManifest.Read(d).Ensemble is null))
            throw new MalariaLabException($"{what} '{name}': {folder} holds trained runs; give the ensemble a name of its own (--name)");
        var thresholds = members.Select(m => m.Spec.Evaluate.Threshold).Distinct().ToList();
        double t = threshold ?? (thresholds.Count == 1 ? thresholds[0] : 0.5);
        return EnsemblePublisher.Publish(members, Data(members, options, input, log), name, t, runsRoot, log);
    }

    /// <summary>After a patient-kfold cross-validation with split.test: the ensemble of its fold models, scored on the
    /// held-out test patients, as &lt;experiment&gt;-ensemble.</summary>
    public static RunFolder? AfterCrossValidation(ExperimentSpec spec, IReadOnlyList<RunFolder> folds, PipelineOptions options, ILog log)
    {
        if (!SplitStrategyRegistry.Of(spec.Split).HoldsTestOutOfEveryFold || spec.Split.Test <= 0 || folds.Count != spec.Split.Folds) return null;
        log.Info($"cross-validation: ensemble of the {folds.Count} fold models on the patients held out of every fold (split.test {spec.Split.Test.ToString(CultureInfo.InvariantCulture)})");
        try
        {
            return Publish(folds, options, null, null, null, log);
        }
        catch (MalariaLabException e)
        {
            // The fold runs are published and summarised; the ensemble can be made later with the Ensemble target.
            log.Warn($"cross-validation: the ensemble was not published: {e.Message}");
            return null;
        }
    }

    static EnsembleData Data(IReadOnlyList<MemberRun> members, PipelineOptions options, string? input, ILog log)
    {
        var spec = members[0].Spec;
        if (input is null)
        {
            var own = new Orchestrator(spec, options with { Force = false }, log);
            own.Resolve("prepare");
            if (own.DatasetFingerprint != members[0].Manifest.DatasetFingerprint)
                throw new MalariaLabException($"ensemble: the data now has fingerprint {EnsembleMembers.Short(own.DatasetFingerprint)}, the members were trained on {EnsembleMembers.Short(members[0].Manifest.DatasetFingerprint)}");
            // The images every member holds out as test: for fold models with split.test, the common test patients.
            var common = members.Select(m => m.Split().Where(r => r.Subset == Subsets.Test).Select(r => r.Path).ToHashSet(StringComparer.Ordinal))
                .Aggregate((a, b) => { a.IntersectWith(b); return a; });
            var scored = SplitFile.Read(members[0].Folder.File("split.csv")).Where(r => common.Contains(r.Path)).ToList();
            if (scored.Count == 0)
                throw new MalariaLabException("ensemble: the members hold out no test images in common (each fold's test patients are the others' training patients); " +
                                              "train a patient-kfold spec with split.test, or give --input with labelled data no member saw");
            return new EnsembleData(own.EvaluationData(), scored, $"the test patients every member held out ({members[0].Manifest.DatasetSource})");
        }
        var (other, everything) = RunEvaluation.LabelledInput(spec, input, options, log);
        EnsembleMembers.RefuseSeenPatients(members, everything.Select(r => r.Patient), $"ensemble on {input}");
        RefuseSeenImages(members, other.IndexRows(), spec, options, log);
        return new EnsembleData(other.EvaluationData(), everything, input);
    }

    /// <summary>Patient ids come from file names, so a renamed copy of a training image would pass the patient check: the
    /// labelled input is also compared by content (SHA-256) with every image a member trained or validated on.</summary>
    static void RefuseSeenImages(IReadOnlyList<MemberRun> members, IReadOnlyList<Data.Indexing.IndexRow> scored, ExperimentSpec spec, PipelineOptions options, ILog log)
    {
        var own = new Orchestrator(spec, options with { Force = false }, log);
        own.Resolve("index");
        var seenPaths = members.SelectMany(m => m.Split()).Where(r => r.Subset is Subsets.Train or Subsets.Validation).Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        var seen = own.IndexRows().Where(r => seenPaths.Contains(r.Path)).GroupBy(r => r.Sha256).ToDictionary(g => g.Key, g => g.First().Path);
        var copies = scored.Where(r => seen.ContainsKey(r.Sha256)).ToList();
        if (copies.Count > 0)
            throw new MalariaLabException($"ensemble: the input holds {Plural.Of(copies.Count, "image")} identical, byte for byte, to a member's training or validation image " +
                                          $"(e.g. {copies[0].Path} = {seen[copies[0].Sha256]}); an ensemble is scored only on data no member saw");
    }
}
