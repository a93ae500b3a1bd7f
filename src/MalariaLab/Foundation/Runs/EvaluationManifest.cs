using System.Text.Json;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Foundation.Runs;

/// <summary>evaluations/&lt;time&gt;-&lt;label&gt;/evaluation.json: what a later evaluation of a published run scored, with
/// what, and the SHA-256 of every file it wrote. The run's own sealed files are never touched.</summary>
public sealed record EvaluationManifest
{
    public const string FileName = "evaluation.json";
    public const string Folder = "evaluations";

    public required string RunId { get; init; }
    /// <summary>SHA-256 of the run's sealed manifest.json when this evaluation was made.</summary>
    public required string RunManifestSha256 { get; init; }
    public required string Label { get; init; }
    public DateTimeOffset Created { get; init; }
    public double Threshold { get; init; }
    public string Subset { get; init; } = "";
    /// <summary>"the run's split" or the labelled folder / zip that was scored.</summary>
    public string Source { get; init; } = "";
    public string DatasetFingerprint { get; init; } = "";
    public int Images { get; init; }
    /// <summary>Set when the scored data shares patients or images with the run's training or validation data and was
    /// scored anyway (Evaluate --allow-overlap): these are not test scores.</summary>
    public string? Overlap { get; init; }
    public SortedDictionary<string, string> Files { get; init; } = new(StringComparer.Ordinal);

    public void Write(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, RunManifest.Json) + "\n");

    public static EvaluationManifest? TryRead(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<EvaluationManifest>(File.ReadAllText(path), RunManifest.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
