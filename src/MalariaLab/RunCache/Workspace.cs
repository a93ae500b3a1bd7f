namespace MalariaLab.RunCache;

/// <summary>Where each stage keeps its outputs under the artifacts folder (see artifacts/README.md), and where
/// the stage locks live: stages/&lt;stage&gt;/&lt;key&gt;.json (the run cache) and locks/&lt;experiment&gt;.json (the
/// inputs each stage last ran with for that experiment, which Status compares against).</summary>
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
    public string StageLockFile(string stage, string key) => Path.Combine(Root, "stages", stage, key[..16] + ".json");
    public string ExperimentLocks(string experiment) => Path.Combine(Root, "locks", experiment + ".json");

    /// <summary>A path as stored in a lock: relative to the artifacts root when inside it (so the folder can move).</summary>
    public string Relative(string path)
    {
        string full = Path.GetFullPath(path);
        string rel = Path.GetRelativePath(Root, full);
        return rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel) ? full : rel.Replace('\\', '/');
    }

    public string Absolute(string stored) => Path.IsPathRooted(stored) ? stored : Path.GetFullPath(Path.Combine(Root, stored));
}
