using System.Text.Json;
using System.Text.Json.Serialization;
using MalariaLab.Foundation.Common;

namespace MalariaLab.RunCache;

/// <summary>One output of a stage: where it is (relative to the artifacts root when inside it), its content
/// identity (a file's SHA-256, or an id such as "zip:&lt;sha&gt;" for a folder), and whether a reuse re-hashes it.
/// Large self-verifying outputs (the dataset zip, the prepared cache) are only checked to exist.</summary>
public sealed record LockedOutput(string Path, string Identity, bool Rehash);

/// <summary>stage.json in the run cache: the inputs a stage ran with, the outputs it wrote and values it computed
/// (the dataset fingerprint, a run folder). Written last and atomically: its presence marks the outputs finished,
/// as DVC's run cache does.</summary>
public sealed record StageLock(string Stage, int Version, string Key, SortedDictionary<string, string> Inputs,
    SortedDictionary<string, LockedOutput> Outputs, SortedDictionary<string, string> Values)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>What downstream stages consume: the identity of every output, not where it lies.</summary>
    [JsonIgnore]
    public string Fingerprint => Hashing.Sha256Hex(string.Join("\n", Outputs.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value.Identity}")));

    public string Value(string name) => Values.TryGetValue(name, out var v)
        ? v : throw new MalariaLabException($"stage {Stage}: its lock has no value '{name}' (written by an older version? rerun with --force)");

    /// <summary>The key: a hash of the stage name, its version and every input.</summary>
    public static string KeyOf(StageDefinition stage, IReadOnlyDictionary<string, string> inputs) =>
        Hashing.Sha256Hex(stage.VersionTag + "\n" + string.Join("\n", inputs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>The lock, or null when the text is not a complete one: JSON null where a map, a string or an output is
    /// expected counts as unreadable (the stage then runs again), never as a lock that crashes its reader.</summary>
    public static StageLock? TryParse(string text)
    {
        StageLock? found;
        try
        {
            found = JsonSerializer.Deserialize<StageLock>(text, Json);
        }
        catch (JsonException)
        {
            return null;
        }
        return found is not null && IsComplete(found) ? found : null;
    }

    static bool IsComplete(StageLock l) =>
        l.Stage is not null && l.Key is not null && l.Inputs is not null && l.Outputs is not null && l.Values is not null
        && l.Inputs.Values.All(v => v is not null)
        && l.Outputs.Values.All(o => o is { Path: not null, Identity: not null })
        && l.Values.Values.All(v => v is not null);
}

/// <summary>What a stage hands back for its lock.</summary>
public sealed record StageResult(IReadOnlyDictionary<string, LockedOutput> Outputs, IReadOnlyDictionary<string, string>? Values = null);
