using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Runs;

namespace MalariaLab.Tests.Support;

/// <summary>One published run of <see cref="TinyExperiment"/>, trained once per test class that uses it as a fixture.</summary>
public sealed class TinyRun : IDisposable
{
    public TinyExperiment Experiment { get; } = new();
    public RunFolder Run { get; }
    public PipelineOptions Options { get; }

    public TinyRun()
    {
        Options = Experiment.Options();
        Run = new Orchestrator(Experiment.Spec(Options), Options, new CapturingLog()).TrainEvaluatePublish();
    }

    public void Dispose() => Experiment.Dispose();
}
