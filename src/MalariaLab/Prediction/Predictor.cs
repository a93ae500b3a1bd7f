using System.Globalization;
using System.IO.Compression;
using MalariaLab.Common;
using MalariaLab.Indexing;
using MalariaLab.Models;
using MalariaLab.Runs;
using MalariaLab.Specs;
using MalariaLab.Training;
using static TorchSharp.torch;

namespace MalariaLab.Prediction;

public sealed record PredictedImage(string Path, double? ProbabilityParasitized, string? Label, string? Error);

/// <summary>Predict: classifies new images with a published run, using the run's own preprocessing and weights.
/// The run is verified against its sealed manifest first; unreadable images get an error row, never a crash.</summary>
public static class Predictor
{
    static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff"];

    public static List<PredictedImage> Predict(RunFolder run, string input, ILog log)
    {
        var manifest = RunManifest.Read(run.Path);
        RunSeal.Verify(run, manifest);
        var spec = SpecLoader.LoadFile(run.File("spec.yaml"));
        set_num_threads(manifest.Threads);
        using var model = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
        WeightsFile.Load(model, run.File(spec.Train.RestoreBest ? "weights/best.bin" : "weights/last.bin"));
        model.eval();

        var results = new List<PredictedImage>();
        var batch = new List<(string Path, byte[] Pixels)>();
        void Flush()
        {
            if (batch.Count == 0) return;
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var pixels = batch.SelectMany(b => b.Pixels).ToArray();
            var x = TrainingData.ToModelInput(tensor(pixels, [batch.Count, spec.Preprocess.Size, spec.Preprocess.Size, 3], ScalarType.Byte), spec.Preprocess.Scale);
            var p = TestTimeAugmented(model, x, spec.Evaluate.Tta);
            for (int i = 0; i < batch.Count; i++)
                results.Add(new PredictedImage(batch[i].Path, p[i], p[i] >= spec.Evaluate.Threshold ? Labels.Parasitized : Labels.Uninfected, null));
            batch.Clear();
        }
        foreach (var (path, read) in Inputs(input))
        {
            try
            {
                batch.Add((path, Prepare.Preprocessor.Prepare(read(), path, spec.Preprocess)));
            }
            catch (Exception e) when (e is MalariaLabException or IOException or InvalidDataException)
            {
                results.Add(new PredictedImage(path, null, null, e.Message));
            }
            if (batch.Count == Evaluator.BatchSize) Flush();
        }
        Flush();
        int failed = results.Count(r => r.Error is not null);
        log.Info($"predict: {Plural.Of(results.Count, "image")}, {results.Count(r => r.Label == Labels.Parasitized)} Parasitized, {failed} unreadable");
        return results.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>Columns exactly path,probability_parasitized,label; an error column is added only when an input failed.</summary>
    /// <summary>The probability of Parasitized, averaged over evaluate.tta's views as Evaluate does.</summary>
    static float[] TestTimeAugmented(nn.Module<Tensor, Tensor> model, Tensor x, string tta)
    {
        if (tta == "none") return sigmoid(model.forward(x).squeeze(1)).data<float>().ToArray();
        int views = tta == "flips" ? 4 : 8;
        Tensor sum = zeros(x.shape[0]);
        for (int k = 0; k < views; k++) sum = sum + sigmoid(model.forward(Evaluator.View(x, tta, k)).squeeze(1));
        return (sum / views).data<float>().ToArray();
    }

    public static string ToCsv(IReadOnlyList<PredictedImage> results)
    {
        bool anyError = results.Any(r => r.Error is not null);
        string[] header = anyError ? ["path", "probability_parasitized", "label", "error"] : ["path", "probability_parasitized", "label"];
        return Csv.Write(header, results.Select(r =>
        {
            string p = r.ProbabilityParasitized?.ToString("R", CultureInfo.InvariantCulture) ?? "";
            return (IReadOnlyList<string>)(anyError ? [r.Path, p, r.Label ?? "", r.Error ?? ""] : [r.Path, p, r.Label!]);
        }));
    }

    /// <summary>An image file, a folder (recursively) or a zip; each item's bytes are read lazily.</summary>
    static IEnumerable<(string Path, Func<byte[]> Read)> Inputs(string input)
    {
        if (Directory.Exists(input))
        {
            foreach (var file in Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                if (ImageExtensions.Contains(Path.GetExtension(file).ToLowerInvariant()))
                    yield return (file, () => File.ReadAllBytes(file));
            yield break;
        }
        if (!File.Exists(input)) throw new MalariaLabException($"--input={input}: no such file or folder");
        if (!input.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            yield return (input, () => File.ReadAllBytes(input));
            yield break;
        }
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(input); }
        catch (InvalidDataException e) { throw new MalariaLabException($"{input}: not a readable zip ({e.Message})", e); }
        using (zip)
        {
            foreach (var entry in zip.Entries.Where(e => ImageExtensions.Contains(Path.GetExtension(e.FullName).ToLowerInvariant())).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                if (entry.Length > 64 << 20) { yield return ($"{input}!{entry.FullName}", () => throw new MalariaLabException($"{entry.FullName}: {entry.Length} bytes, larger than 64 MiB")); continue; }
                var buffer = new MemoryStream();
                using (var stream = entry.Open()) stream.CopyTo(buffer);
                byte[] bytes = buffer.ToArray();
                yield return ($"{input}!{entry.FullName}", () => bytes);
            }
        }
    }
}
