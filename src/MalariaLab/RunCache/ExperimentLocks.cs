using System.Text.Json;
using MalariaLab.Foundation.Common;

namespace MalariaLab.RunCache;

/// <summary>locks/&lt;experiment&gt;.json, as dvc.lock: for each stage, the key and inputs it last ran (or was reused)
/// with for this experiment. Status compares today's inputs with these to say what changed.</summary>
public static class ExperimentLocks
{
    public sealed record Entry(int Version, string Key, SortedDictionary<string, string> Inputs);

    public static Dictionary<string, Entry> Read(Workspace workspace, string experiment)
    {
        string path = workspace.ExperimentLocks(experiment);
        if (!File.Exists(path)) return [];
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(path), StageLock.Json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static void Record(Workspace workspace, string experiment, StageLock stageLock)
    {
        var all = Read(workspace, experiment);
        all[stageLock.Stage] = new Entry(stageLock.Version, stageLock.Key, stageLock.Inputs);
        AtomicFile.WriteAllText(workspace.ExperimentLocks(experiment), JsonSerializer.Serialize(all, StageLock.Json) + "\n");
    }
}
