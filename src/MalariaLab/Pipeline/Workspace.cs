namespace MalariaLab.Pipeline;

/// <summary>Where each stage keeps its outputs under the artifacts folder (see artifacts/README.md).</summary>
public sealed class Workspace(string artifacts)
{
    public string Root { get; } = Path.GetFullPath(artifacts);
    public string Cache => Path.Combine(Root, "cache");
    public string DataFor(string zipSha256) => Path.Combine(Root, "data", zipSha256[..16]);
    public string IndexFolder(string key) => Path.Combine(Root, "index", key[..16]);
    public string SplitFolder(string key) => Path.Combine(Root, "splits", key[..16]);
    public string PreparedFile(string key) => Path.Combine(Root, "prepared", key[..16] + ".u8");
    public string Runs => Path.Combine(Root, "runs");
    public string RunsOf(string experiment) => Path.Combine(Runs, experiment);
}
