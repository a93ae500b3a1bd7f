using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using MalariaLab.Foundation.Common;
using MalariaLab.Modelling.Export;
using MalariaLab.Modelling.Models;
using MalariaLab.Foundation.Native;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Data.Prepare;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Modelling.Training;
using static TorchSharp.torch;

namespace MalariaLab.Workflows.Bench;

public sealed record BenchResult(
    string Dataset, int Images, int Threads, string CpuModel, bool MallocTuned,
    double PrepareColdImagesPerSecond, double PrepareCachedImagesPerSecond, double PrepareCachedSeconds,
    Dictionary<string, double> TrainImagesPerSecond, double InferenceBatch1LatencyMs, double InferenceBatch256ImagesPerSecond,
    long PeakRssBytes, long? PeakRssTrainingBytes, int Repeats,
    Dictionary<string, double> TrainConvolutionShare, // of a training step's time, by batch size
    string[] CpuFlags, double MatmulGflops, double Bf16MatmulGflops256, double ForwardMflopsPerImage,
    double TrainCeilingImagesPerSecond, double InferenceCeilingImagesPerSecond,
    double OnnxInferenceBatch256ImagesPerSecond, double OnnxInferenceBatch1LatencyMs,
    string Arch = "", int Size = 0, long Parameters = 0);

/// <summary>Bench: images/s of the pipeline's own code paths (Prepare, Trainer.Step, Evaluator) on real data,
/// each after a warm-up, the median of several repeats.</summary>
public static class Benchmark
{
    public static BenchResult Run(ExperimentSpec spec, PipelineOptions options, ILog log, int repeats = 3, int trainSteps = 60)
    {
        var pipeline = new Orchestrator(spec, options, log);
        pipeline.Resolve("split");
        pipeline.Resolve("prepare");
        var rows = pipeline.IndexRows();
        int threads = spec.Train.Threads == 0 ? Environment.ProcessorCount : spec.Train.Threads;
        Foundation.Native.TorchSetup.Threads(threads);

        // Prepare: decode + resize (cold), then reload of the verified cache file.
        double cold = Median(repeats, () => Rate(rows.Count, () => PrepareStage.Build(rows, pipeline.DataRoot, spec.Preprocess, new CapturingLog())));
        Collect(); // the repeated cold builds leave garbage that would otherwise count as the pipeline's peak RSS
        var prepared = pipeline.Prepared();
        string cachePath = pipeline.PreparedPath;
        double cachedSeconds = Median(repeats, () => Seconds(() => PreparedFile.TryRead(cachePath, rows.Count, spec.Preprocess.Size, out _)));
        log.Info($"bench: prepare cold {cold:F0} images/s, from cache {rows.Count / cachedSeconds:F0} images/s ({cachedSeconds:F3} s)");

        using var data = new TrainingData(prepared, rows, pipeline.SplitRows(), spec.Preprocess.Scale);
        prepared = null; // the native tensor holds the pixels now
        pipeline.ForgetPrepared();
        Collect();
        // From here on the peak is the training and inference paths' own (the repeated cold builds above are not).
        long preparePeak = ProcessMemory.PeakRssBytes();
        bool peakReset = ProcessMemory.ResetPeak();
        var train = new Dictionary<string, double>();
        var convolutionShare = new Dictionary<string, double>();
        foreach (int batch in new[] { spec.Train.BatchSize, 64, 128 }.Distinct())
        {
            Collect(); // each batch size starts without the previous one's freed buffers
            manual_seed(SeedSource.TorchSeed(spec.Seed, "torch"));
            using var model = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
            model.train();
            using var optimizer = new FlatAdam(model.parameters(), spec.Train.Lr, spec.Train.Beta1, spec.Train.Beta2, spec.Train.Epsilon);
            long[] Rows(int step) => Enumerable.Range(0, batch).Select(i => data.Train[(step * batch + i) % data.Train.Length]).ToArray();
            for (int s = 0; s < 5; s++) Trainer.Step(model, optimizer, data, Rows(s));
            double rate = Median(repeats, () => Rate(trainSteps * batch, () => { for (int s = 0; s < trainSteps; s++) Trainer.Step(model, optimizer, data, Rows(s)); }));
            train[$"batch_{batch}"] = rate;
            double convolutions = ComputeCeiling.ConvolutionMillisecondsPerStep(model, spec.Preprocess.Size, batch, Math.Max(repeats, 5));
            convolutionShare[$"batch_{batch}"] = convolutions / (1000.0 * batch / rate);
            log.Info($"bench: train batch {batch}: {rate:F0} images/s ({1000.0 * batch / rate:F1} ms a step, of which the convolutions alone take {convolutions:F1} ms)");
        }

        // The cost of augmentation: batch 64 with every augmentation on (the shipped augmented spec's settings).
        {
            Collect();
            manual_seed(SeedSource.TorchSeed(spec.Seed, "torch"));
            using var model = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
            model.train();
            using var optimizer = new FlatAdam(model.parameters(), spec.Train.Lr, spec.Train.Beta1, spec.Train.Beta2, spec.Train.Epsilon);
            var augmenter = new MalariaLab.Modelling.Augmentation.Augmenter(new AugmentSpec("dihedral8", 0.1, 0.1, 0.1, 0.02, 0.1, 0.05), spec.Seed, 255 * spec.Preprocess.Scale);
            long[] Rows(int step) => Enumerable.Range(0, 64).Select(i => data.Train[(step * 64 + i) % data.Train.Length]).ToArray();
            for (int s = 0; s < 3; s++) Trainer.Step(model, optimizer, data, Rows(s), augmenter, 1);
            double rate = Median(repeats, () => Rate(trainSteps * 64, () => { for (int s = 0; s < trainSteps; s++) Trainer.Step(model, optimizer, data, Rows(s), augmenter, 1); }));
            train["batch_64_augmented"] = rate;
            log.Info($"bench: train batch 64 with augmentation (dihedral8, colour, zoom and shift): {rate:F0} images/s ({rate / train["batch_64"]:P0} of plain batch 64)");
        }

        Collect();
        manual_seed(0);
        using var net = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
        net.eval();
        long[] evalRows = Enumerable.Range(0, 2048).Select(i => (long)(i % rows.Count)).ToArray();
        Evaluator.Run(net, data, evalRows[..256]);
        double inference = Median(repeats, () => Rate(evalRows.Length, () => Evaluator.Run(net, data, evalRows)));
        double latency = Median(repeats, () =>
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 100; i++) Evaluator.Run(net, data, [i]);
            return clock.Elapsed.TotalMilliseconds / 100;
        });
        log.Info($"bench: inference batch 256: {inference:F0} images/s; batch 1 latency {latency:F2} ms");
        var (onnxInference, onnxLatency) = OnnxInference(spec, net, data, evalRows, threads, repeats);
        log.Info($"bench: ONNX Runtime inference batch 256: {onnxInference:F0} images/s; batch 1 latency {onnxLatency:F2} ms (same network, exported as weights/*.onnx is)");

        // The ceiling: this CPU's fp32 matmul rate over the model's FLOPs (training ≈ 3 x forward).
        double gflops = ComputeCeiling.MatmulGflops(repeats);
        double flops = ComputeCeiling.ForwardFlopsPerImage(net, spec.Preprocess.Size);
        var flags = ComputeCeiling.CpuFlags();
        // Small: without AVX512_BF16 LibTorch emulates bf16 and a 1024 product would take seconds.
        double bf16 = ComputeCeiling.MatmulGflops(repeats, ScalarType.BFloat16, n: 256, products: 10);
        log.Info($"bench: bf16 matmul {bf16:F1} GFLOP/s (256 x 256; fp32 at that size {ComputeCeiling.MatmulGflops(repeats, n: 256, products: 10):F0})");
        log.Info($"bench: ceiling: fp32 matmul {gflops:F0} GFLOP/s on {threads} threads, {flops / 1e6:F1} MFLOP per image forward → " +
                 $"training ≤ {gflops * 1e9 / (3 * flops):F0}, inference ≤ {gflops * 1e9 / flops:F0} images/s; CPU flags: {string.Join(' ', flags)}");

        var result = new BenchResult(spec.Dataset.Source, rows.Count, threads, EnvironmentInfo.Capture().CpuModel, MallocTuning.Applied,
            cold, rows.Count / cachedSeconds, cachedSeconds, train, latency, inference, Math.Max(preparePeak, ProcessMemory.PeakRssBytes()), peakReset ? ProcessMemory.PeakRssBytes() : null, repeats,
            convolutionShare, flags, gflops, bf16, flops / 1e6, gflops * 1e9 / (3 * flops), gflops * 1e9 / flops,
            onnxInference, onnxLatency, spec.Model.Arch, spec.Preprocess.Size, net.parameters().Sum(p => p.numel()));
        log.Info($"bench: model {result.Arch} at {result.Size} px: {result.Parameters:N0} parameters, {result.ForwardMflopsPerImage:F1} MFLOP per image forward");
        string trainingPeak = result.PeakRssTrainingBytes is long bytes ? $"{bytes / (1024.0 * 1024):F0} MiB while training and inferring, " : "";
        log.Info($"bench: peak RSS {trainingPeak}{result.PeakRssBytes / (1024.0 * 1024):F0} MiB since start-up (before: the repeated cold prepares), {threads} threads, malloc tuned: {MallocTuning.Applied}, CPU {result.CpuModel}");
        return result;
    }

    /// <summary>The same network exported to ONNX (in memory) and run by ONNX Runtime's CPU provider on the same
    /// images and thread count: batches of 256 (preprocessing inside the graph, from the uint8 bytes), then one
    /// image at a time.</summary>
    static (double Batch256, double Batch1LatencyMs) OnnxInference(ExperimentSpec spec, nn.Module<Tensor, Tensor> net, TrainingData data, long[] rows, int threads, int repeats)
    {
        var entry = ModelRegistry.Find(spec.Model.Arch);
        var metadata = new OnnxMetadata(new ModelProvenance(spec.Hash, "bench", "bench", "bench"), spec.Model.Arch, spec.Preprocess.Size, spec.Preprocess.Interpolation, spec.Preprocess.Scale, "untrained");
        byte[] model = OnnxModelFile.Build(metadata, ((LayeredNetwork)net).ToOnnx).ToByteArray();
        using var runner = OnnxRunner.FromBytes(model, "cpu", threads);
        int imageBytes = spec.Preprocess.Size * spec.Preprocess.Size * 3;
        byte[] pixels;
        using (var index = tensor(rows))
        using (var images = data.Images.index_select(0, index))
            pixels = images.bytes.ToArray();
        var batches = Enumerable.Range(0, rows.Length / 256).Select(b => pixels.AsSpan(b * 256 * imageBytes, 256 * imageBytes).ToArray()).ToArray();
        runner.Probabilities(batches[0], 256);
        double rate = Median(repeats, () => Rate(batches.Length * 256, () => { foreach (var batch in batches) runner.Probabilities(batch, 256); }));
        var singles = Enumerable.Range(0, 100).Select(i => pixels.AsSpan(i * imageBytes, imageBytes).ToArray()).ToArray();
        double latency = Median(repeats, () =>
        {
            var clock = Stopwatch.StartNew();
            foreach (var single in singles) runner.Probabilities(single, 1);
            return clock.Elapsed.TotalMilliseconds / singles.Length;
        });
        return (rate, latency);
    }

    /// <summary>Without --dataset-source, Bench measures the shared NIH sample beside the checkout (when present).</summary>
    public static PipelineOptions WithDefaultData(PipelineOptions options)
    {
        const string shared = "../shared/data";
        string sample = Path.Combine(shared, "nih-cell-images-sample.zip");
        return options.DatasetSource is null && File.Exists(sample)
            ? options with { DatasetSource = Path.GetFullPath(sample), Mirror = options.Mirror ?? Path.GetFullPath(shared) }
            : options;
    }

    public static void Write(BenchResult result, string path) =>
        OutputFile.WriteAllText(path, JsonSerializer.Serialize(result, RunManifest.Json) + "\n");

    static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        MallocTuning.ReleaseFreeMemory();
    }

    static double Seconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    static double Rate(int items, Action action) => items / Seconds(action);

    static double Median(int repeats, Func<double> measure)
    {
        var values = Enumerable.Range(0, repeats).Select(_ => measure()).Order().ToArray();
        return values[values.Length / 2];
    }
}
