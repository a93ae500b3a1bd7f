using MalariaLab.Foundation.Specs;
namespace MalariaLab.RunCache;

/// <summary>A stage as data: its name, code version, the spec keys it reads (a key, or a section ending in '.'), the
/// upstream stages whose output fingerprints it consumes, the files it writes, and how it runs. Each stage folder
/// declares its own; the graph walker calls <see cref="Run"/> and the hooks, and knows no stage by name.</summary>
public sealed record StageDefinition(string Name, int Version, string Description, IReadOnlyList<ISpecKeys> SpecKeys,
    IReadOnlyList<string> Upstream, IReadOnlyList<string> Outputs)
{
    /// <summary>Runs the stage for its cache key; null when it stopped early (training cancelled): nothing is recorded.</summary>
    public Func<IStageContext, string, StageResult?> Run { get; init; } = (_, _) => throw new InvalidOperationException("stage has no run function");

    /// <summary>Inputs besides spec keys and upstream fingerprints (the code identity, the thread count, a source's identity).</summary>
    public Func<IStageContext, IEnumerable<(string Name, string Value)>>? ExtraInputs { get; init; }

    /// <summary>Checks a reusable output against the identity its lock recorded, beyond the cache's own checks; a problem
    /// (returned as text) makes the stage run again.</summary>
    public Func<IStageContext, StageLock, string?>? CheckReused { get; init; }

    /// <summary>What the stage says when it is reused.</summary>
    public Action<IStageContext, StageLock>? OnReused { get; init; }

    public string VersionTag => $"{Name}/v{Version}";

    public bool Reads(string specPath) => SpecKeys.Any(k => k.Covers(specPath));

    /// <summary>The input name under which an upstream stage's fingerprint is recorded.</summary>
    public static string UpstreamInput(string stage) => "stage:" + stage;
}
