using MalariaLab.Data.Splitting;
using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>Runs an experiment: one run, or for patient-kfold every fold (or the one asked for), each trained,
/// evaluated on its held-out fold and published, then a summary with each fold and mean ± std; with split.test, also
/// the ensemble of the fold models, scored on the patients held out of every fold.</summary>
public static class CrossValidation
{
    public static IReadOnlyList<RunFolder> Run(ExperimentSpec spec, PipelineOptions options, int? onlyFold, ILog log, CancellationToken cancel = default)
    {
        if (!SplitStrategyRegistry.Of(spec.Split).IsKFold)
        {
            if (onlyFold is not null)
                throw new MalariaLabException($"--fold={onlyFold}: split.strategy '{spec.Split.Strategy}' has no folds (a k-fold strategy such as patient-kfold has)");
            return [new Orchestrator(spec, options, log, cancel: cancel).TrainEvaluatePublish()];
        }
        if (onlyFold is { } only && (only < 0 || only >= spec.Split.Folds))
            throw new MalariaLabException($"--fold={only}: the spec has folds 0..{spec.Split.Folds - 1}");
        var folds = onlyFold is { } f ? [f] : Enumerable.Range(0, spec.Split.Folds).ToList();
        var runs = new List<RunFolder>();
        foreach (int fold in folds)
        {
            if (cancel.IsCancellationRequested) break;
            log.Info($"cross-validation: fold {fold} of {spec.Split.Folds}");
            var foldSpec = SpecLoader.Override(spec, (SpecKeys.Split.Fold, fold.ToString(CultureInfo.InvariantCulture)));
            runs.Add(new Orchestrator(foldSpec, options, log, cancel: cancel).TrainEvaluatePublish());
        }
        var published = runs.Where(r => RunManifest.Read(r.Path).Status == RunStatus.Published).ToList();
        if (published.Count > 1) CvSummary.Write(published, Path.GetDirectoryName(published[0].Path)!, log);
        if (onlyFold is null && published.Count == runs.Count && !cancel.IsCancellationRequested
            && Ensembling.AfterCrossValidation(spec, published, options, log) is { } ensemble) runs.Add(ensemble);
        return runs;
    }
}
