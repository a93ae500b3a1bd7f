using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;
using MalariaLab.Scoring.Evaluation;
using MalariaLab.Scoring.Reporting;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>The Evaluate and Publish commands on an existing run: the data stages are resolved for the run's own spec,
/// then the run is scored (in place when complete, into a new evaluations/ folder when published) or published.</summary>
public static class RunEvaluation
{
    /// <summary>The Evaluate command: a published run gets a new evaluations/ folder (whose path is returned); a complete
    /// one is evaluated in place (null returned), which takes none of the options that only a published run can use.</summary>
    public static string? Evaluate(RunFolder run, PipelineOptions options, double? threshold, string? thresholdRule, string? subset,
        string? input, string? label, ILog log, bool allowOverlap = false)
    {
        RunManifest.RefuseEnsemble(run.Path, "evaluate", "score it on other data with `ensemble --runs=<its members> --input=...`");
        if (threshold is not null && thresholdRule is not null && thresholdRule != "fixed")
            throw new MalariaLabException($"--threshold and --threshold-rule={thresholdRule} both set the threshold; give one");
        var status = RunManifest.Read(run.Path).Status;
        if (allowOverlap && input is null) throw new MalariaLabException("--allow-overlap applies to --input (labelled data from elsewhere)");
        if (status == RunStatus.Published) return EvaluatePublished(run, options, threshold, subset, input, label, log, thresholdRule, allowOverlap);
        if (threshold is not null || thresholdRule is not null || subset is not null || input is not null)
            throw new MalariaLabException($"{run.Path}: --threshold, --subset and --input evaluate a published run; this one is '{status}' (publish it, or change evaluate.* in its spec)");
        EvaluateRun(run, options, log);
        return null;
    }

    /// <summary>Evaluates an existing complete run with its own spec (the data stages are resolved for that spec).</summary>
    public static void EvaluateRun(RunFolder run, PipelineOptions options, ILog log)
    {
        var spec = SpecLoader.LoadFile(run.File("spec.yaml"));
        var orchestrator = new Orchestrator(spec, options with { Force = false }, log);
        orchestrator.Resolve("prepare");
        EvaluateStage.Run(run, spec, orchestrator.EvaluationData(), log);
    }

    /// <summary>Evaluate on a published run: a subset of its own split (at another threshold), or labelled data given as a
    /// folder or zip with class subfolders, which goes through Download, Extract, Index and Prepare like any source.</summary>
    public static string EvaluatePublished(RunFolder run, PipelineOptions options, double? threshold, string? subset, string? input, string? label, ILog log,
        string? thresholdRule = null, bool allowOverlap = false)
    {
        var spec = SpecLoader.LoadFile(run.File("spec.yaml"));
        if (thresholdRule is not null)
        {
            spec = SpecLoader.Override(spec, (SpecKeys.Evaluate.ThresholdRule, thresholdRule));
            label ??= $"{thresholdRule}-threshold";
        }
        double t = threshold ?? spec.Evaluate.Threshold;
        if (input is null)
        {
            var own = new Orchestrator(spec, options with { Force = false }, log);
            own.Resolve("prepare");
            string trainedOn = RunManifest.Read(run.Path).DatasetFingerprint;
            if (own.DatasetFingerprint != trainedOn)
                throw new MalariaLabException($"{run.Path}: the data now has fingerprint {own.DatasetFingerprint[..12]}, the run was trained on {trainedOn[..Math.Min(12, trainedOn.Length)]}; its split no longer describes it");
            var split = SplitFile.Read(run.File("split.csv"));
            string s = subset ?? spec.Evaluate.Subset;
            if (s == "auto") s = split.Any(r => r.Subset == Subsets.Test) ? Subsets.Test : Subsets.Validation;
            var request = new EvaluationRequest(t, s, PublishedRunEvaluation.Label(label, t, s, null), "the run's split");
            return PublishedRunEvaluation.Write(run, spec, own.EvaluationData(), split, request, log);
        }
        if (subset is not null) throw new MalariaLabException("--subset applies to the run's own split; with --input every labelled image is scored");
        var (other, everything) = LabelledInput(spec, input, options, log);
        string? overlap = SeenData.Check(run, spec, other.IndexRows(), options, log, $"evaluate on {input}", allowOverlap);
        var labelled = new EvaluationRequest(t, Subsets.Test, PublishedRunEvaluation.Label(label ?? (overlap is null ? null : $"{Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(input))}-overlap"), t, Subsets.Test, input), input) { Overlap = overlap };
        return PublishedRunEvaluation.Write(run, spec, other.EvaluationData(), everything, labelled, log);
    }

    /// <summary>Labelled data given as a folder or zip with class subfolders, through Download → Prepare with the run's
    /// preprocessing (original labels, patients from file names); every image is to be scored ("test").</summary>
    public static (Orchestrator Data, List<SplitRow> Scored) LabelledInput(ExperimentSpec spec, string input, PipelineOptions options, ILog log)
    {
        var inputSpec = SpecLoader.Override(spec, (SpecKeys.Dataset.Source, input), (SpecKeys.Dataset.Sha256, null), (SpecKeys.Dataset.Corrections, "none"), (SpecKeys.Dataset.PatientMapsSource, null));
        var other = new Orchestrator(inputSpec, options with { Force = false }, log);
        other.Resolve("prepare");
        return (other, other.IndexRows().Select(r => new SplitRow(r.Path, r.Label, r.Patient, Subsets.Test)).ToList());
    }

    /// <summary>Publishes an evaluated run with its own spec.</summary>
    public static void PublishRun(RunFolder run, ILog log)
    {
        RunManifest.RefuseEnsemble(run.Path, "publish", "an ensemble is published when it is made");
        Publisher.Publish(run, SpecLoader.LoadFile(run.File("spec.yaml")), log);
    }
}
