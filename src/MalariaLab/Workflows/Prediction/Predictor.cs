using System.Globalization;
using System.IO.Compression;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Workflows.Ensembles;
using MalariaLab.Modelling.Export;
using MalariaLab.Data.Imaging;
using MalariaLab.Data.Indexing;
using MalariaLab.Modelling.Models;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Modelling.Training;
using static TorchSharp.torch;

namespace MalariaLab.Workflows.Prediction;

public sealed record PredictedImage(string Path, double? ProbabilityParasitized, string? Label, string? Error);

/// <summary>Predict: classifies new images with a published run (its own preprocessing and weights) or a published
/// ensemble (its members' mean probability). The run and every member are verified against their sealed manifests
/// first; unreadable images get an error row, never a crash.</summary>
public static class Predictor
{

    public static readonly string[] Engines = ["torch", "torch-bf16", "onnx"];

    /// <summary>Classifies <paramref name="input"/> with the run's TorchSharp weights (engine torch), the same in bfloat16
    /// (engine torch-bf16, on CPUs with native bf16 only; probabilities within about 0.04 of torch's) or its ONNX file
    /// through ONNX Runtime (engine onnx, on <paramref name="onnxProvider"/>; the same CSV as torch).</summary>
    public static List<PredictedImage> Predict(RunFolder run, string input, ILog log, string engine = "torch", string onnxProvider = "cpu")
    {
        var manifest = RunManifest.Read(run.Path);
        RunSeal.Verify(run, manifest);
        // A run is one model; an ensemble is its members (each verified), averaged. Members share one preprocessing.
        var models = manifest.Ensemble is null
            ? [(Folder: run, Spec: SpecLoader.LoadFile(run.File("spec.yaml")), manifest.Threads)]
            : EnsembleMembers.Load(run, manifest).Select(m => (m.Folder, m.Spec, m.Manifest.Threads)).ToList();
        var spec = models[0].Spec;
        // What the run's evaluation fitted (evaluate.threshold_rule, temperature scaling) is what Predict applies.
        var fitted = manifest.Ensemble is null ? FittedCalibration.TryRead(run.Path) : null;
        double threshold = manifest.Ensemble?.Threshold ?? fitted?.Threshold ?? spec.Evaluate.Threshold;
        var classifiers = new List<(IClassifier Classifier, string Tta)>();
        int workers = OnnxWorkers(engine, onnxProvider, models.Max(m => m.Threads));
        try
        {
            foreach (var (folder, memberSpec, threads) in models)
            {
                string which = memberSpec.Train.RestoreBest ? "best" : "last";
                classifiers.Add((engine switch
                {
                    "torch" => TorchClassifier(folder.File($"weights/{which}.bin"), memberSpec, threads, bf16: false),
                    "torch-bf16" => TorchClassifier(folder.File($"weights/{which}.bin"), memberSpec, threads, bf16: true),
                    "onnx" => OnnxClassifier(folder.File($"weights/{which}.onnx"), memberSpec, onnxProvider, workers > 1 ? 1 : threads),
                    _ => throw new MalariaLabException($"--engine={engine}: expected one of {string.Join(", ", Engines)}"),
                }, memberSpec.Evaluate.Tta));
                log.Info($"predict: engine {engine}{(engine == "onnx" ? $" ({onnxProvider})" : "")}, {(models.Count > 1 ? Path.GetFileName(Path.GetDirectoryName(folder.Path)) + "/" + folder.Id + " " : "")}weights/{which}.{(engine == "onnx" ? "onnx" : "bin")}");
            }
            if (models.Count > 1) log.Info($"predict: ensemble of {models.Count} members ({EnsembleInfo.Combine}), threshold {threshold}");
            if (fitted is not null) log.Info($"predict: the run's fitted calibration: threshold {threshold:F4} ({fitted.ThresholdRule}), temperature {fitted.Temperature:F3}");
            return Classify(input, classifiers, spec, threshold, fitted?.Temperature ?? 1, log, workers);
        }
        finally
        {
            foreach (var (classifier, _) in classifiers) classifier.Dispose();
        }
    }

    /// <summary>Bench's figure for this path: every image file under <paramref name="folder"/> read, decoded and resized,
    /// then <paramref name="tta"/>'s views through ONNX Runtime on <paramref name="onnxModel"/>, as Predict
    /// --engine=onnx runs them (start-up and the run's verification aside).</summary>
    public static (int Images, double ImagesPerSecond) Throughput(string folder, byte[] onnxModel, ExperimentSpec spec, string tta, int threads)
    {
        int workers = OnnxWorkers("onnx", "cpu", threads);
        using var classifier = new Onnx(OnnxRunner.FromBytes(onnxModel, "cpu", workers > 1 ? 1 : threads));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int images = Classify(folder, [(classifier, tta)], spec, spec.Evaluate.Threshold, 1, new CapturingLog(), workers).Count;
        return (images, images / clock.Elapsed.TotalSeconds);
    }

    /// <summary>How many workers read, decode and classify chunks side by side. On ONNX Runtime's CPU provider, one per
    /// thread of the run (at most one per core of this machine: a run trained on 32 threads predicts on a 4-core laptop
    /// with 4), each calling a one-thread session (a session takes calls from several threads at once, and its results
    /// do not depend on its thread count or the batch: a test checks). No core then waits for another, as they did when
    /// one chunk at a time was decoded and then classified on all cores (figures at <see cref="WorkerChunk"/>).
    /// LibTorch's engines, and ONNX Runtime's other providers, get one worker and all the threads.</summary>
    static int OnnxWorkers(string engine, string provider, int threads) =>
        engine == "onnx" && provider == "cpu" ? Math.Max(1, Math.Min(threads, Environment.ProcessorCount)) : 1;

    /// <summary>The images a worker reads, decodes and classifies at a time. Small enough that a one-thread forward pass
    /// keeps its activations in the core's cache: on 2 cores, compact-cnn with dihedral8 TTA ran 3,703 PNG files at
    /// 1,684-1,813 images/s in chunks of 256, 2,195-2,302 in 64 and 1,911-2,538 in 32, its peak RSS falling from 320 to
    /// 144 MB (one worker with 256 at a time on both threads: 1,244-1,619 images/s, 240 MB; docs/performance.md).</summary>
    const int WorkerChunk = 32;

    static List<PredictedImage> Classify(string input, IReadOnlyList<(IClassifier Classifier, string Tta)> classifiers, ExperimentSpec spec, double threshold, double temperature, ILog log, int workers)
    {
        var results = new List<PredictedImage>();
        // A chunk's pixels and its TTA view: megabytes each, so kept from chunk to chunk (one pair per worker).
        using var buffers = new ThreadLocal<(byte[] Pixels, byte[] View)>(() => ([], []));
        var total = System.Diagnostics.Stopwatch.StartNew();
        long classifyingTicks = 0; // summed over the workers
        void ClassifyChunk(PreparedInputs.Item[] chunk)
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var rows = chunk.Where(i => i.Pixels is null).Select(i => new PredictedImage(i.Path, null, null, i.Error)).ToList();
            var batch = chunk.Where(i => i.Pixels is not null).ToList();
            if (batch.Count > 0)
            {
                int image = batch[0].Pixels!.Length;
                var (pixels, view) = buffers.Value;
                if (pixels.Length != batch.Count * image) buffers.Value = (pixels, view) = (new byte[batch.Count * image], new byte[batch.Count * image]);
                for (int i = 0; i < batch.Count; i++) batch[i].Pixels!.CopyTo(pixels, i * image);
                var p = EnsembleScorer.Mean([.. classifiers.Select(c => TestTimeAugmented(c.Classifier, pixels, view, batch.Count, spec.Preprocess.Size, c.Tta, workers <= 1).Select(v => (double)v).ToArray())]);
                if (temperature != 1) p = Calibration.Scale(p, temperature);
                for (int i = 0; i < batch.Count; i++)
                    rows.Add(new PredictedImage(batch[i].Path, p[i], p[i] >= threshold ? Labels.Parasitized : Labels.Uninfected, null));
            }
            Interlocked.Add(ref classifyingTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
            lock (results) results.AddRange(rows);
        }
        PreparedInputs.ForEachChunk(Inputs(input), spec.Preprocess, workers > 1 ? WorkerChunk : Evaluator.BatchSize, workers, ClassifyChunk);
        if (results.Count == 0)
            throw new MalariaLabException($"{input}: no images found ({string.Join(", ", ImageDecoder.Extensions)}, in a folder searched recursively, or in a zip)");
        int failed = results.Count(r => r.Error is not null);
        log.Info($"predict: {Plural.Of(results.Count, "image")}, {results.Count(r => r.Label == Labels.Parasitized)} Parasitized, {failed} unreadable");
        double seconds = total.Elapsed.TotalSeconds, classifying = (double)classifyingTicks / System.Diagnostics.Stopwatch.Frequency;
        string views = classifiers.Any(c => c.Tta != "none") ? ", test-time views included" : "";
        log.Info(workers <= 1
            ? $"predict: {results.Count / seconds:F0} images/s ({seconds:F2} s: reading and decoding {seconds - classifying:F2} s, classifying {classifying:F2} s{views})"
            : $"predict: {results.Count / seconds:F0} images/s ({seconds:F2} s; {workers} workers, each reading, decoding and classifying chunks of its own; " +
              $"of their {workers * seconds:F2} s: classifying {classifying:F2} s, reading, decoding and waiting {workers * seconds - classifying:F2} s{views})");
        return results.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>A batch of uint8 NHWC images → P(Parasitized) each.</summary>
    interface IClassifier : IDisposable
    {
        float[] Probabilities(byte[] nhwc, int count);
    }

    sealed class Torch(nn.Module<Tensor, Tensor> model, int size, double scale, int threads) : IClassifier
    {
        public float[] Probabilities(byte[] nhwc, int count)
        {
            Foundation.Native.TorchSetup.Threads(threads); // each ensemble member at its own run's thread count, as Evaluate scored it
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var x = TrainingData.ToModelInput(tensor(nhwc, [count, size, size, 3], ScalarType.Byte), scale);
            return sigmoid(model.forward(x).squeeze(1)).data<float>().ToArray();
        }

        public void Dispose() => model.Dispose();
    }

    sealed class Onnx(OnnxRunner runner) : IClassifier
    {
        public float[] Probabilities(byte[] nhwc, int count) => runner.Probabilities(nhwc, count);
        public void Dispose() => runner.Dispose();
    }

    static IClassifier TorchClassifier(string weights, ExperimentSpec spec, int threads, bool bf16)
    {
        if (bf16 && Foundation.Native.Bf16Support.Check() is (false, var why))
            throw new MalariaLabException($"--engine=torch-bf16: {why}; use --engine=torch");
        Foundation.Native.TorchSetup.Threads(threads);
        var model = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
        WeightsFile.Load(model, weights);
        model.eval();
        return new Torch(bf16 ? new Bf16Network(model) : model, spec.Preprocess.Size, spec.Preprocess.Scale, threads);
    }

    static IClassifier OnnxClassifier(string path, ExperimentSpec spec, string provider, int threads)
    {
        if (!File.Exists(path)) throw new MalariaLabException($"{path}: no ONNX file (runs published before ONNX export have none; retrain, or use --engine=torch)");
        var runner = new OnnxRunner(path, provider, threads);
        if (runner.Size != spec.Preprocess.Size)
        {
            runner.Dispose();
            throw new MalariaLabException($"{path}: input is {runner.Size}x{runner.Size}, but the run's preprocess.size is {spec.Preprocess.Size}");
        }
        return new Onnx(runner);
    }

    /// <summary>P(Parasitized) averaged over evaluate.tta's views (the same symmetries as Evaluate's, applied to the uint8
    /// pixels so both engines see the same images), each written into <paramref name="view"/> (as long as nhwc).</summary>
    static float[] TestTimeAugmented(IClassifier classifier, byte[] nhwc, byte[] view, int count, int size, string tta, bool parallel)
    {
        if (tta == "none") return classifier.Probabilities(nhwc, count);
        int views = tta == "flips" ? 4 : 8;
        var sum = new double[count];
        for (int k = 0; k < views; k++)
        {
            var p = classifier.Probabilities(PixelViews.View(nhwc, count, size, tta, k, view, parallel), count);
            for (int i = 0; i < count; i++) sum[i] += p[i];
        }
        return [.. sum.Select(v => (float)(v / views))];
    }

    /// <summary>Columns exactly path,probability_parasitized,label; an error column is added only when an input failed.</summary>
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

    /// <summary>Larger inputs are refused before decoding (a cell crop is a few kilobytes; zip entries have the same cap).</summary>
    const long MaxImageBytes = 64 << 20;

    /// <summary>An image file, a folder (recursively) or a zip; each item's bytes are read lazily, from regular files only
    /// (a FIFO or a link to /dev/zero is an error row, not a hang).</summary>
    static IEnumerable<(string Path, Func<byte[]> Read)> Inputs(string input)
    {
        if (Directory.Exists(input))
        {
            foreach (var file in Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                if (ImageDecoder.HasImageExtension(file))
                    yield return (file, () => FileKinds.ReadRegular(file, MaxImageBytes, "an image"));
            yield break;
        }
        if (!File.Exists(input)) throw new MalariaLabException($"--input={input}: no such file or folder");
        if (!input.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            yield return (input, () => FileKinds.ReadRegular(input, MaxImageBytes, "an image"));
            yield break;
        }
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(input); }
        catch (InvalidDataException e) { throw new MalariaLabException($"{input}: not a readable zip ({e.Message})", e); }
        using (zip)
        {
            IReadOnlyList<ZipArchiveEntry> entries;
            try { entries = zip.Entries; } // reads the central directory
            catch (InvalidDataException e) { throw new MalariaLabException($"{input}: not a readable zip ({e.Message})", e); }
            foreach (var entry in entries.Where(e => ImageDecoder.HasImageExtension(e.FullName)).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                if (entry.Length > 64 << 20) { yield return ($"{input}!{entry.FullName}", () => throw new MalariaLabException($"{entry.FullName}: {entry.Length} bytes, larger than 64 MiB")); continue; }
                // Read inside the item's own error handling: a corrupt entry is one error row, not a crash.
                yield return ($"{input}!{entry.FullName}", () =>
                {
                    try
                    {
                        var buffer = new MemoryStream();
                        using (var stream = entry.Open()) stream.CopyTo(buffer);
                        byte[] bytes = buffer.ToArray();
                        if (Crc32.Of(bytes) != entry.Crc32) throw new InvalidDataException("CRC-32 mismatch"); // the zip library does not check
                        return bytes;
                    }
                    catch (InvalidDataException e) { throw new MalariaLabException($"{entry.FullName}: corrupt zip entry ({e.Message})", e); }
                });
            }
        }
    }
}
