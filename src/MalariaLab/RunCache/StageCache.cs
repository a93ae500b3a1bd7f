using MalariaLab.Foundation.Common;

namespace MalariaLab.RunCache;

/// <summary>The one run-or-reuse mechanism every stage goes through: a stage whose key (name, version, inputs)
/// has a lock whose outputs are still intact is reused; otherwise it runs and its lock is written last.</summary>
public sealed class StageCache(Workspace workspace)
{
    public Workspace Workspace => workspace;

    /// <summary>The finished lock for this key, or null with the reason (not built, outputs missing or changed).</summary>
    public StageLock? Lookup(StageDefinition stage, string key, out string problem)
    {
        string path = workspace.StageLockFile(stage.Name, key);
        problem = "not built";
        if (!File.Exists(path)) return null;
        var found = StageLock.TryParse(File.ReadAllText(path));
        if (found is null || found.Key != key || found.Stage != stage.Name || found.Version != stage.Version)
        {
            problem = $"unreadable lock {path}";
            return null;
        }
        foreach (var (name, output) in found.Outputs)
        {
            string at = workspace.Absolute(output.Path);
            if (!File.Exists(at) && !Directory.Exists(at))
            {
                problem = $"output {name} is missing ({at})";
                return null;
            }
            if (output.Rehash && File.Exists(at) && Hashing.Sha256OfFile(at) != output.Identity)
            {
                problem = $"output {name} was modified ({at})";
                return null;
            }
        }
        return found;
    }

    /// <summary>Reuses the finished output for these inputs, or runs the stage and records its lock. A run that
    /// returns null (cancelled, incomplete) records nothing.</summary>
    public (StageLock? Lock, bool Reused) RunOrReuse(StageDefinition stage, IReadOnlyDictionary<string, string> inputs, bool force, Func<string, StageResult?> run)
    {
        string key = StageLock.KeyOf(stage, inputs);
        if (!force && Lookup(stage, key, out _) is { } done) return (done, true);
        var result = run(key);
        if (result is null) return (null, false);
        var record = new StageLock(stage.Name, stage.Version, key,
            new SortedDictionary<string, string>(inputs.ToDictionary(), StringComparer.Ordinal),
            new SortedDictionary<string, LockedOutput>(result.Outputs.ToDictionary(o => o.Key, o => o.Value with { Path = workspace.Relative(o.Value.Path) }), StringComparer.Ordinal),
            // Paths among the values (a run folder, a data root) are stored like outputs: relative when inside the artifacts.
            new SortedDictionary<string, string>((result.Values ?? new Dictionary<string, string>()).ToDictionary(v => v.Key,
                v => Path.IsPathRooted(v.Value) ? workspace.Relative(v.Value) : v.Value), StringComparer.Ordinal));
        AtomicFile.WriteAllText(workspace.StageLockFile(stage.Name, key), record.ToJson());
        return (record, false);
    }

    /// <summary>An output file with its SHA-256, re-hashed on every reuse.</summary>
    public static LockedOutput HashedFile(string path) => new(path, Hashing.Sha256OfFile(path), true);
}
