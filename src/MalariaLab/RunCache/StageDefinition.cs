namespace MalariaLab.RunCache;

/// <summary>A stage as data: its name, code version, the spec keys it reads (a key, or a section ending in '.'),
/// ("" for the whole spec), the upstream stages whose output fingerprints it consumes, and the files it writes. Each stage folder declares
/// its own; the orchestrator and Status read only these.</summary>
public sealed record StageDefinition(string Name, int Version, string Description, IReadOnlyList<string> SpecKeys,
    IReadOnlyList<string> Upstream, IReadOnlyList<string> Outputs)
{
    public string VersionTag => $"{Name}/v{Version}";

    public bool Reads(string specPath) =>
        SpecKeys.Any(k => k.Length == 0 || k == specPath || (k.EndsWith('.') && specPath.StartsWith(k, StringComparison.Ordinal)));

    /// <summary>The input name under which an upstream stage's fingerprint is recorded.</summary>
    public static string UpstreamInput(string stage) => "stage:" + stage;
}
