namespace MalariaLab.Pipeline;

/// <summary>Options every stage understands (the CLI and Cake pass them through unchanged).</summary>
public sealed record PipelineOptions
{
    public string Experiment { get; init; } = "experiments/seed-cnn.yaml";
    public string? DatasetSource { get; init; }
    public string? DatasetSha256 { get; init; }
    public string? Mirror { get; init; }
    public string Artifacts { get; init; } = "artifacts";
    public IReadOnlyList<string> Sets { get; init; } = [];
    public bool Force { get; init; }

    /// <summary>Spec overrides in the order applied: --dataset-source(+sha) first, then each --set.</summary>
    public IEnumerable<string> Overrides()
    {
        if (DatasetSource is not null)
        {
            yield return $"dataset.source={Quote(DatasetSource)}";
            yield return $"dataset.sha256={DatasetSha256 ?? "null"}";
        }
        else if (DatasetSha256 is not null) yield return $"dataset.sha256={DatasetSha256}";
        foreach (var set in Sets) yield return set;
    }

    static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
