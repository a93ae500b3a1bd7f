using MalariaLab.Data.Splitting;
using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>One run a fan-out must produce: the array task that trains it and the resolved spec it is trained with
/// (whose hash the published run's manifest carries, which is how gather finds it on disk).</summary>
public sealed record FanOutRun(int Task, string Label, ExperimentSpec Spec);

/// <summary>A spec's fan-out, one array task per index: the points of its sweep (each trains every fold when the spec
/// is patient-kfold), or else the folds of a patient-kfold spec. Index N always means the same point or fold.</summary>
public sealed record FanOut(string Kind, int Tasks, IReadOnlyList<FanOutRun> Runs)
{
    public const string Sweep = "sweep";
    public const string Folds = "folds";

    /// <summary>The train option an array index feeds: --sweep-point=N or --fold=N.</summary>
    public string IndexOption => Kind == Sweep ? "--sweep-point" : "--fold";

    public static FanOut Of(PipelineOptions options)
    {
        var spec = options.LoadSpec();
        var points = SweepPlan.Expand(spec.Sweep);
        if (points.Count > 0)
        {
            var runs = new List<FanOutRun>();
            foreach (var point in points)
            {
                var pointSpec = SweepRunner.WithPoint(options, point).LoadSpec();
                runs.AddRange(FoldsOf(pointSpec).Select(f => new FanOutRun(point.Index, f.Label.Length == 0 ? point.Label : $"{point.Label}, {f.Label}", f.Spec)));
            }
            return new FanOut(Sweep, points.Count, runs);
        }
        if (SplitStrategyRegistry.Of(spec.Split).IsKFold)
            return new FanOut(Folds, spec.Split.Folds, FoldsOf(spec).Select((f, i) => new FanOutRun(i, f.Label, f.Spec)).ToList());
        throw new MalariaLabException($"{options.Experiment}: nothing to fan out; expected a 'sweep:' section or split.strategy patient-kfold");
    }

    /// <summary>The runs one train invocation publishes for <paramref name="spec"/>: every fold, or the spec itself.</summary>
    static IEnumerable<(string Label, ExperimentSpec Spec)> FoldsOf(ExperimentSpec spec) =>
        !SplitStrategyRegistry.Of(spec.Split).IsKFold
            ? [("", spec)]
            : Enumerable.Range(0, spec.Split.Folds).Select(f =>
                ($"fold {f}", SpecLoader.Override(spec, (SpecKeys.Split.Fold, f.ToString(CultureInfo.InvariantCulture)))));
}
