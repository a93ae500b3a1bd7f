using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>Options every stage command understands. Paths are already resolved by the CLI (against the caller's
/// directory); nothing here is re-encoded as text.</summary>
public sealed record PipelineOptions
{
    public string Experiment { get; init; } = "experiments/seed-cnn.yaml";
    public string? DatasetSource { get; init; }
    public string? DatasetSha256 { get; init; }
    public string? Mirror { get; init; }
    public string Artifacts { get; init; } = "artifacts";
    public IReadOnlyList<string> Sets { get; init; } = [];
    public bool Force { get; init; }
    public Data.Download.HttpSettings Http { get; init; } = new();

    /// <summary>The spec file with its --set overrides, then --dataset-source / --dataset-sha256 as typed values (a
    /// new source drops the pinned SHA-256 unless one is given).</summary>
    public ExperimentSpec LoadSpec()
    {
        var spec = SpecLoader.LoadFile(Experiment, Sets);
        if (DatasetSource is not null)
            spec = SpecLoader.Override(spec, (SpecKeys.Dataset.Source, DatasetSource), (SpecKeys.Dataset.Sha256, DatasetSha256));
        else if (DatasetSha256 is not null)
            spec = SpecLoader.Override(spec, ("dataset.sha256", DatasetSha256));
        return spec;
    }
}
