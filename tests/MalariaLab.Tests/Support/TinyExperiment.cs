using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Tests.Support;

/// <summary>A synthetic data folder and a one-epoch spec small enough to train in a test (16x16, one thread).</summary>
public sealed class TinyExperiment : TempFolder
{
    public TinyExperiment() =>
        SyntheticData.WriteFolder(File("data"), [("P1", 6, 6), ("P2", 5, 7), ("P3", 7, 5), ("P4", 6, 6)]);

    public PipelineOptions Options(params string[] sets) => new()
    {
        Artifacts = File("artifacts"),
        Sets = [$"dataset.source={File("data")}", "dataset.sha256=null", "dataset.patient_maps_source=null", .. sets],
    };

    public const string Yaml = "name: tiny\nseed: 3\nsplit: {strategy: stratified, validation: 0.25}\npreprocess: {size: 16}\n" +
                               "train: {epochs: 1, threads: 1, histograms: false}\n";

    public ExperimentSpec Spec(PipelineOptions options) => SpecLoader.Parse(Yaml, "tiny.yaml", options.Sets);
}
