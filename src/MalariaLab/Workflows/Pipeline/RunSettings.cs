namespace MalariaLab.Workflows.Pipeline;

/// <summary>How one walk of the graph runs: stages to rerun even when up to date (Reproduce reruns train and
/// later), and a pinned thread count (Reproduce uses the original run's).</summary>
public sealed record RunSettings(IReadOnlySet<string>? Rerun = null, int? Threads = null)
{
    public static readonly RunSettings Default = new();
}
