using System.Text;
using System.Text.Json;
using MalariaLab.RunCache;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>One stage's state for a spec: "up to date", "stale" (with what changed) or "missing".</summary>
public sealed record StageStatus(string Stage, int Version, string State, IReadOnlyList<string> Changes)
{
    public const string UpToDate = "up to date", Stale = "stale", Missing = "missing";
}

/// <summary>Status, as `dvc status`: each stage in graph order, computed from the spec, the run cache and the
/// experiment's last locks, without running or downloading anything.</summary>
public static class PipelineStatus
{
    public static IReadOnlyList<StageStatus> Of(Orchestrator orchestrator)
    {
        var workspace = orchestrator.Workspace;
        var cache = new StageCache(workspace);
        var previous = ExperimentLocks.Read(workspace, orchestrator.Spec.Name);
        var locks = new Dictionary<string, StageLock>();
        var states = new Dictionary<string, string>();
        var result = new List<StageStatus>();
        foreach (var stage in StageGraph.Stages)
        {
            previous.TryGetValue(stage.Name, out var last);
            var notReady = stage.Upstream.Where(u => states[u] != StageStatus.UpToDate).ToList();
            if (notReady.Count > 0)
            {
                if (last is null) { Add(stage, StageStatus.Missing, []); continue; }
                // Upstream outputs are not known yet, so this stage's own inputs are compared without them.
                var changes = Differences(last.Inputs, orchestrator.InputsOf(stage, withUpstream: false), ownOnly: true);
                changes.InsertRange(0, notReady.Select(u => $"upstream {u} is {states[u]}"));
                if (last.Version != stage.Version) changes.Add($"stage version v{last.Version} → v{stage.Version}");
                Add(stage, StageStatus.Stale, changes);
                continue;
            }
            orchestrator.Seed(locks);
            var inputs = orchestrator.InputsOf(stage, withUpstream: true);
            string key = StageLock.KeyOf(stage, inputs);
            if (cache.Lookup(stage, key, out string problem) is { } found)
            {
                locks[stage.Name] = found;
                Add(stage, StageStatus.UpToDate, []);
                continue;
            }
            if (last is null)
            {
                Add(stage, StageStatus.Missing, problem == "not built" ? [] : [problem]);
                continue;
            }
            List<string> diff = last.Key == key ? [problem] : Differences(last.Inputs, inputs, ownOnly: false);
            if (last.Version != stage.Version) diff.Add($"stage version v{last.Version} → v{stage.Version}");
            Add(stage, StageStatus.Stale, diff.Count > 0 ? diff : [problem]);
        }
        return result;

        void Add(StageDefinition stage, string state, List<string> changes)
        {
            states[stage.Name] = state;
            result.Add(new StageStatus(stage.Name, stage.Version, state, changes));
        }
    }

    /// <summary>What differs between the last inputs and today's: spec keys by value, upstream stages by name, extras
    /// (code, threads, source identity) by value. ownOnly leaves out upstream fingerprints (not computed).</summary>
    static List<string> Differences(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> now, bool ownOnly)
    {
        var changes = new List<string>();
        foreach (var name in before.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
        {
            bool upstream = name.StartsWith("stage:", StringComparison.Ordinal);
            if (ownOnly && upstream) continue;
            before.TryGetValue(name, out var a);
            now.TryGetValue(name, out var b);
            if (a == b) continue;
            changes.Add(upstream ? $"upstream {name[6..]} fingerprint changed" : $"{name}: {Short(a)} → {Short(b)}");
        }
        return changes;
    }

    /// <summary>Hashes and commits to 12 characters (keeping a "+dirty.…" suffix), other values whole.</summary>
    static string Short(string? value)
    {
        if (value is null) return "(none)";
        if (value.Length <= 40) return value;
        int plus = value.IndexOf('+');
        return value[..12] + (plus > 12 ? value[plus..] : "…");
    }

    public static string ToText(IReadOnlyList<StageStatus> statuses)
    {
        var text = new StringBuilder();
        foreach (var s in statuses)
            text.Append($"{s.Stage,-9} {s.State}{(s.Changes.Count > 0 ? " (" + string.Join("; ", s.Changes) + ")" : "")}\n");
        return text.ToString();
    }

    public static string ToJson(IReadOnlyList<StageStatus> statuses) =>
        JsonSerializer.Serialize(statuses.Select(s => new { stage = s.Stage, version = s.Version, state = s.State, changes = s.Changes }),
            new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
