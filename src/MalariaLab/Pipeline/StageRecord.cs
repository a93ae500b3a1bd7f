using System.Text.Json;
using MalariaLab.Common;

namespace MalariaLab.Pipeline;

/// <summary>stage.json beside a stage's outputs: the inputs that produced them and the outputs' hashes.
/// Values are results that are not files (e.g. the dataset fingerprint). Its presence (written last, atomically) marks the outputs finished, as DVC's lock file does.</summary>
public sealed record StageRecord(string Stage, string Key, Dictionary<string, string> Inputs, Dictionary<string, string> Outputs,
    Dictionary<string, string> Values)
{
    public const string FileName = "stage.json";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The stage key: a hash of the stage name, its code version and every input.</summary>
    public static string KeyOf(string stage, IReadOnlyDictionary<string, string> inputs) =>
        Hashing.Sha256Hex(stage + "\n" + string.Join("\n", inputs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));

    public void Write(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));

    /// <summary>The record in <paramref name="folder"/> when it exists and every output still has its hash.</summary>
    public static StageRecord? ReadFinished(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var record = JsonSerializer.Deserialize<StageRecord>(File.ReadAllText(path));
            if (record is null) return null;
            foreach (var (file, sha) in record.Outputs)
                if (!File.Exists(Path.Combine(folder, file)) || Hashing.Sha256OfFile(Path.Combine(folder, file)) != sha)
                    return null;
            return record;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
