using System.Text.Json;
using System.Text.Json.Serialization;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Modelling.Models;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Training;

/// <summary>Everything the loop carries from one epoch to the next besides the weights and the optimizer: the epoch and
/// step counters, every random stream (LibTorch's generator, each fast-dropout generator; shuffles and augmentation are
/// drawn from the seed per epoch and image, so they need nothing), the schedule's, early stopping's and the best
/// checkpoint's state, and the history.</summary>
public sealed record TrainerState
{
    public required int Epoch { get; init; }
    public required long GlobalStep { get; init; }
    public required string TorchRng { get; init; }
    public required ulong[][] DropoutRngs { get; init; }
    public required double[] Schedule { get; init; }
    public required double[] EarlyStopping { get; init; }
    public required double[] Best { get; init; }
    public required List<EpochMetrics> History { get; init; }
}

/// <summary>The resume point of a run, written at the end of every epoch into resume/ in the run folder: model-eN.bin
/// (weights and BatchNorm statistics), optimizer-eN.bin (Adam's moments and step) and state.json, which is written last
/// (atomically) and names those two files with their SHA-256. A kill in the middle of a checkpoint leaves the previous
/// state.json and the files it names intact; older epochs' files are deleted only after the new state.json is in place.</summary>
public static class TrainingCheckpoint
{
    public const string Folder = "resume";
    const string StateFile = "state.json";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    sealed record Saved(TrainerState State, string ModelFile, string ModelSha256, string OptimizerFile, string OptimizerSha256);

    public static void Save(string runFolder, nn.Module model, FlatAdam optimizer, TrainerState state)
    {
        string folder = Path.Combine(runFolder, Folder);
        Directory.CreateDirectory(folder);
        string modelFile = $"model-e{state.Epoch}.bin", optimizerFile = $"optimizer-e{state.Epoch}.bin";
        WeightsFile.Save(model, Path.Combine(folder, modelFile));
        AtomicFile.Write(Path.Combine(folder, optimizerFile), optimizer.WriteState);
        var saved = new Saved(state, modelFile, Hashing.Sha256OfFile(Path.Combine(folder, modelFile)), optimizerFile, Hashing.Sha256OfFile(Path.Combine(folder, optimizerFile)));
        AtomicFile.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(saved, Json));
        foreach (var old in Directory.EnumerateFiles(folder, "*-e*.bin"))
            if (Path.GetFileName(old) is { } name && name != modelFile && name != optimizerFile) File.Delete(old);
    }

    /// <summary>The last complete checkpoint loaded into the model and optimizer, or null (with the reason) when there is none.</summary>
    public static TrainerState? TryLoad(string runFolder, nn.Module model, FlatAdam optimizer, out string? problem)
    {
        string folder = Path.Combine(runFolder, Folder);
        problem = null;
        string statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath)) { problem = "no checkpoint"; return null; }
        Saved? saved;
        try { saved = JsonSerializer.Deserialize<Saved>(File.ReadAllText(statePath), Json); }
        catch (JsonException e) { problem = $"{statePath}: unreadable ({e.Message})"; return null; }
        if (saved?.State is null) { problem = $"{statePath}: empty"; return null; }
        foreach (var (file, sha) in new[] { (saved.ModelFile, saved.ModelSha256), (saved.OptimizerFile, saved.OptimizerSha256) })
        {
            if (file is null || Path.GetFileName(file) != file) { problem = $"{statePath}: names a file outside {folder}"; return null; }
            string path = Path.Combine(folder, file);
            if (!File.Exists(path) || Hashing.Sha256OfFile(path) != sha) { problem = $"{path} does not match {StateFile}"; return null; }
        }
        WeightsFile.Load(model, Path.Combine(folder, saved.ModelFile));
        using (var stream = File.OpenRead(Path.Combine(folder, saved.OptimizerFile))) optimizer.ReadState(stream);
        return saved.State;
    }

    /// <summary>Removed once the run has ended: a finished run has nothing to resume.</summary>
    public static void Delete(string runFolder)
    {
        string folder = Path.Combine(runFolder, Folder);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    public static string CaptureTorchRng()
    {
        using var state = random.get_rng_state();
        return Convert.ToBase64String(state.bytes.ToArray());
    }

    public static void RestoreTorchRng(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        using var state = tensor(bytes, [bytes.Length], ScalarType.Byte);
        random.set_rng_state(state);
    }

    /// <summary>The fast-dropout generators of a model, in module order.</summary>
    public static IReadOnlyList<FastDropout> Dropouts(nn.Module model) => [.. model.modules().OfType<FastDropout>()];
}
