using MalariaLab.Workflows.Pipeline;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>PipelineOptions back as CLI arguments, one option per argument (never a joined string), for the
/// processes and job scripts a fan-out starts: they see the same spec, data and overrides as the caller.</summary>
public static class PipelineArguments
{
    public static IEnumerable<string> Of(PipelineOptions options)
    {
        yield return $"--experiment={options.Experiment}";
        yield return $"--artifacts={options.Artifacts}";
        if (options.Mirror is not null) yield return $"--mirror={options.Mirror}";
        if (options.DatasetSource is not null) yield return $"--dataset-source={options.DatasetSource}";
        if (options.DatasetSha256 is not null) yield return $"--dataset-sha256={options.DatasetSha256}";
        foreach (var set in options.Sets) yield return $"--set={set}";
    }
}
