using MalariaLab.Common;
using MalariaLab.Evaluation;
using MalariaLab.Runs;
using MalariaLab.Specs;
using MalariaLab.Training;

namespace MalariaLab.Pipeline;

/// <summary>The Train target end to end: train → evaluate → publish. A cancelled run stops after training,
/// marked incomplete.</summary>
public static class ExperimentRunner
{
    public static RunFolder TrainEvaluatePublish(ExperimentSpec spec, PipelineOptions options, ILog log, CancellationToken cancel = default, int? threads = null, bool reusePublished = true)
    {
        var run = TrainStage.Run(spec, options, log, cancel, threads, reusePublished);
        if (RunManifest.Read(run.Path).Status != RunStatus.Complete) return run;
        EvaluateStage.Run(run, options, log);
        Publisher.Publish(run, log);
        return run;
    }
}
