using MalariaLab.Workflows.Pipeline;
using MalariaLab.Workflows.Sweeps;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Sweeps;

/// <summary>A sweep spec (2 x 3 points) and a 4-fold patient-kfold spec in a temp folder, and cluster jobs for them
/// whose shared artifacts path has a space and a quote (so quoting is exercised everywhere).</summary>
public sealed class ClusterFixture : IDisposable
{
    public TempFolder Temp { get; } = new();
    public string SweepSpec => Temp.File("grid.yaml");
    public string FoldSpec => Temp.File("folds.yaml");
    public string Artifacts => Temp.File("shared art's");
    public string Cli => Temp.File("cli dir/MalariaLab.Cli.dll");

    public ClusterFixture()
    {
        File.WriteAllText(SweepSpec, "name: grid\nseed: 1\nsweep:\n  train.lr: [0.001, 0.0001]\n  seed: [1, 2, 3]\n");
        File.WriteAllText(FoldSpec, "name: folds\nseed: 7\nsplit:\n  strategy: patient-kfold\n  folds: 4\n");
    }

    public PipelineOptions Options(string spec, params string[] sets) =>
        new() { Experiment = spec, Artifacts = Artifacts, Mirror = "/data/mirror dir", Sets = sets };

    public ClusterJob Job(string spec, ClusterSettings settings) => ClusterJob.From(Options(spec), settings, Cli, Temp.Path);

    public void Dispose() => Temp.Dispose();
}
