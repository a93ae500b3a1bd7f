using System.Text.Json;
using System.Text.Json.Serialization;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Foundation.Runs;

public static class RunStatus
{
    public const string Running = "running";
    public const string Incomplete = "incomplete";
    public const string Complete = "complete";
    public const string Failed = "failed";
    public const string Published = "published";
}

/// <summary>manifest.json: everything needed to rerun a run and to check it was not altered.</summary>
public sealed record RunManifest
{
    public required string RunId { get; init; }
    public required string Experiment { get; init; }
    public string Status { get; init; } = RunStatus.Running;
    public long Seed { get; init; }
    public string SpecHash { get; init; } = "";
    public string DatasetSource { get; init; } = "";
    public string? DatasetSha256 { get; init; }
    public string DatasetFingerprint { get; init; } = "";
    public string SplitHash { get; init; } = "";
    public string PreparedKey { get; init; } = "";
    /// <summary>Hash of (spec, data, split, code commit, threads): a published run with the same key answers the same question.</summary>
    public string TrainKey { get; init; } = "";
    public int Threads { get; init; }
    public bool MallocTuned { get; init; }
    public required EnvironmentInfo Environment { get; init; }
    public DateTimeOffset Started { get; init; }
    public DateTimeOffset? Ended { get; init; }
    public int EpochsRun { get; init; }
    public int? BestEpoch { get; init; }
    public double? BestValAccuracy { get; init; }
    public double? ImagesPerSecond { get; init; }
    /// <summary>Peak resident set size of the training process when the run ended (Linux VmHWM).</summary>
    public long? PeakRssBytes { get; init; }
    public string? StopReason { get; init; }
    /// <summary>Set only for an ensemble: its member runs and how they are combined (null for a trained run).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EnsembleInfo? Ensemble { get; init; }

    /// <summary>Refuses an ensemble where <paramref name="command"/> needs a trained run, saying what to do
    /// <paramref name="instead"/>.</summary>
    public static void RefuseEnsemble(string runPath, string command, string instead)
    {
        if (Read(runPath).Ensemble is not null)
            throw new MalariaLabException($"{runPath}: is an ensemble; {command} takes a trained run ({instead})");
    }
    /// <summary>Relative path → SHA-256 (weights when complete; every file once published).</summary>
    public SortedDictionary<string, string> Files { get; init; } = new(StringComparer.Ordinal);

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public const string FileName = "manifest.json";

    public string ToText() => JsonSerializer.Serialize(this, Json) + "\n";

    public void Write(string runFolder) => AtomicFile.WriteAllText(Path.Combine(runFolder, FileName), ToText());

    public static RunManifest Read(string runFolder)
    {
        string path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path)) throw new MalariaLabException($"{runFolder}: not a run folder (no {FileName})");
        RunManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<RunManifest>(File.ReadAllText(path), Json)
                ?? throw new MalariaLabException($"{path}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new MalariaLabException($"{path}: unreadable manifest ({e.Message})", e);
        }
        manifest.Check(path);
        return manifest;
    }

    static readonly string[] Statuses = [RunStatus.Running, RunStatus.Incomplete, RunStatus.Complete, RunStatus.Failed, RunStatus.Published];

    /// <summary>Every field a reader acts on is checked before use: an edited manifest fails here with the field's
    /// name, never deep inside LibTorch (a negative thread count aborts the process) or the file system.</summary>
    void Check(string path)
    {
        void Fail(string field, object? value, string expected) =>
            throw new MalariaLabException($"{path}: '{field}' is {JsonSerializer.Serialize(value)}; expected {expected} (edited?)");
        if (Files is null) { Fail("files", null, "an object of relative paths and SHA-256s"); return; }
        if (Environment is null) Fail("environment", null, "the code and machine facts");
        if (Threads is < 1 or > 1024) Fail("threads", Threads, "1..1024");
        if (!Statuses.Contains(Status)) Fail("status", Status, string.Join(", ", Statuses));
        if (!IsName(RunId)) Fail("run_id", RunId, "a run id (one path segment)");
        if (!IsName(Experiment)) Fail("experiment", Experiment, "an experiment name (one path segment)");
        if (Seed is < 0 or > int.MaxValue) Fail("seed", Seed, $"0..{int.MaxValue}");
        if (EpochsRun < 0) Fail("epochs_run", EpochsRun, "0 or more");
        if (Ensemble is not null)
        {
            if (Ensemble.Members is not { Count: >= 2 }) Fail("ensemble.members", Ensemble.Members, "two or more member runs");
            foreach (var member in Ensemble.Members!)
            {
                var parts = member?.Run?.Split('/');
                if (parts is not { Length: 2 } || !parts.All(IsName)) Fail("ensemble.members[].run", member?.Run, "EXPERIMENT/RUN-ID");
                if (!Hashing.IsSha256Hex(member!.ManifestSha256)) Fail("ensemble.members[].manifest_sha256", member.ManifestSha256, "a SHA-256 (64 hex digits)");
            }
            if (Ensemble.Threshold is not (>= 0 and <= 1)) Fail("ensemble.threshold", Ensemble.Threshold, "a probability in [0, 1]");
        }
        foreach (var (file, sha) in Files)
        {
            if (file.Length == 0 || file.StartsWith('/') || file.Contains('\\') || file.Split('/').Any(p => p is "" or "." or ".."))
                Fail("files", file, "paths relative to the run folder");
            if (!Hashing.IsSha256Hex(sha)) Fail($"files[{file}]", sha, "a SHA-256 (64 hex digits)");
        }
    }

    static bool IsName(string? name) => name is { Length: > 0 and <= 128 } && name is not ("." or "..") && name.IndexOfAny(['/', '\\', '\0', '\n']) < 0;
}

/// <summary>An ensemble's members ("EXPERIMENT/RUN-ID" under the same runs folder, each with the SHA-256 of its sealed
/// manifest when the ensemble was made) and its threshold on the members' mean P(Parasitized).</summary>
public sealed record EnsembleInfo(List<EnsembleMember> Members, double Threshold)
{
    public const string Combine = "mean of the members' P(Parasitized), each with its own test-time augmentation";
}

public sealed record EnsembleMember(string Run, string ManifestSha256);
