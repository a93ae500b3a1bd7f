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

/// <summary>What Bench measured, by name (bench.json has the same names, snake case).</summary>
public sealed record BenchResult
{
    public required string Dataset { get; init; }
    public required int Images { get; init; }
    public required int Threads { get; init; }
    public required string CpuModel { get; init; }
    public required bool MallocTuned { get; init; }
    public required int Repeats { get; init; }
    public required double PrepareColdImagesPerSecond { get; init; }
    public required double PrepareCachedImagesPerSecond { get; init; }
    public required double PrepareCachedSeconds { get; init; }
    /// <summary>By batch size (batch_8, batch_64, batch_128), and with augmentation at the spec's batch and 64
    /// (batch_8_augmented, batch_64_augmented).</summary>
    public required Dictionary<string, double> TrainImagesPerSecond { get; init; }
    /// <summary>Of a training step's time, the share the convolutions alone take, by batch size.</summary>
    public required Dictionary<string, double> TrainConvolutionShare { get; init; }
    /// <summary>The convolution bound of training, by batch size: images/s if a step took only its convolutions'
    /// forward and backward time (the measured rate is TrainConvolutionShare of it).</summary>
    public required Dictionary<string, double> TrainConvolutionBoundImagesPerSecond { get; init; }
    /// <summary>The convolution bound of inference at batch 256: images/s if a batch took only its convolutions'
    /// forward time.</summary>
    public required double? InferenceConvolutionBoundImagesPerSecond { get; init; }
    public required double InferenceBatch256ImagesPerSecond { get; init; }
    public required double InferenceBatch1LatencyMs { get; init; }
    public required double OnnxInferenceBatch256ImagesPerSecond { get; init; }
    public required double OnnxInferenceBatch1LatencyMs { get; init; }
    /// <summary>Predict's whole path on the data's image files with dihedral8 TTA and ONNX Runtime: reading, decoding,
    /// resizing, eight views and inference (<see cref="Prediction.Predictor.Throughput"/>).</summary>
    public required double PredictTtaOnnxImagesPerSecond { get; init; }
    /// <summary>The same network in bfloat16 (Bf16Network, as Predict's --engine=torch-bf16); null where the CPU
    /// has no native bf16 (Bf16Support).</summary>
    public required double? InferenceBf16Batch256ImagesPerSecond { get; init; }
    public required double? InferenceBf16Batch1LatencyMs { get; init; }
    public required long PeakRssBytes { get; init; }
    public required long? PeakRssTrainingBytes { get; init; }
    public required string[] CpuFlags { get; init; }
    public required double MatmulGflops { get; init; }
    public required double Bf16MatmulGflops256 { get; init; }
    public required double ForwardMflopsPerImage { get; init; }
    public required double TrainCeilingImagesPerSecond { get; init; }
    public required double InferenceCeilingImagesPerSecond { get; init; }
    /// <summary>A training step at the spec's batch, piece by piece (<see cref="StepProfile"/>): milliseconds per step.</summary>
    public required Dictionary<string, double>? TrainStepProfileMs { get; init; }
    public required string Arch { get; init; }
    public required int Size { get; init; }
    public required long Parameters { get; init; }
}

/// <summary>Bench: images/s of the pipeline's own code paths (Prepare, Trainer.Step, Evaluator) on real data,
/// each after a warm-up, the median of several repeats.</summary>
public static class Benchmark
{
    /// <summary>The augmentation Bench times when the spec has none: experiments/augmented-cosine-cv.yaml's settings
    /// (a test holds the two equal).</summary>
    public static readonly AugmentSpec ShippedAugmentation = new("dihedral8", 0.1, 0.1, 0.1, 0.02, 0.05, 0.05);

    public static BenchResult Run(ExperimentSpec spec, PipelineOptions options, ILog log, int repeats = 3, int trainSteps = 60)
    {
        var pipeline = new Orchestrator(spec, options, log);
        pipeline.Resolve("split");
        pipeline.Resolve("prepare");
        var rows = pipeline.IndexRows();
        int threads = spec.Train.Threads == 0 ? Environment.ProcessorCount : spec.Train.Threads;
        TorchSetup.Threads(threads);

        var prepare = MeasurePrepare(spec, pipeline, repeats, log);
        using var data = new TrainingData(pipeline.Prepared(), rows, pipeline.SplitRows(), spec.Preprocess.Scale);
        pipeline.ForgetPrepared(); // the native tensor holds the pixels now
        Collect();
        // From here on the peak is the training and inference paths' own (the repeated cold builds above are not).
        long preparePeak = ProcessMemory.PeakRssBytes();
        bool peakReset = ProcessMemory.ResetPeak();

        var train = new Dictionary<string, double>();
        var convolutionShare = new Dictionary<string, double>();
        var convolutionBound = new Dictionary<string, double>();
        foreach (int batch in new[] { spec.Train.BatchSize, 64, 128 }.Distinct())
        {
            var (rate, convolutions) = MeasureTraining(spec, data, batch, null, repeats, trainSteps);
            train[$"batch_{batch}"] = rate;
            // A network without convolutions has no such bound (and JSON has no NaN): the figures are left out.
            if (double.IsFinite(convolutions)) convolutionShare[$"batch_{batch}"] = convolutions / (1000.0 * batch / rate);
            if (double.IsFinite(convolutions)) convolutionBound[$"batch_{batch}"] = 1000.0 * batch / convolutions;
            log.Info($"bench: train batch {batch}: {rate:F0} images/s = {convolutions / (1000.0 * batch / rate):P0} of the convolution bound " +
                     $"({1000.0 * batch / convolutions:F0} images/s: {1000.0 * batch / rate:F1} ms a step, of which the convolutions alone take {convolutions:F1} ms)");
        }
        var profile = ProfileStep(spec, data, spec.Train.BatchSize, Math.Max(100, trainSteps));
        if (profile is not null)
            log.Info($"bench: train batch {spec.Train.BatchSize} step, ms by piece: {string.Join(", ", profile.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:F2}"))}; " +
                     $"total {profile.Values.Sum():F2} (the convolutions' forward and backward alone: {1000.0 * spec.Train.BatchSize / convolutionBound.GetValueOrDefault($"batch_{spec.Train.BatchSize}", double.NaN):F2})");
        var augment = spec.Augment.Enabled ? spec.Augment : ShippedAugmentation;
        foreach (int batch in new[] { spec.Train.BatchSize, 64 }.Distinct())
        {
            train[$"batch_{batch}_augmented"] = MeasureTraining(spec, data, batch, augment, repeats, trainSteps).Rate;
            log.Info($"bench: train batch {batch} with augmentation ({(spec.Augment.Enabled ? "the spec's" : "the shipped augmented spec's")}: {augment}): " +
                     $"{train[$"batch_{batch}_augmented"]:F0} images/s ({train[$"batch_{batch}_augmented"] / train[$"batch_{batch}"]:P0} of plain batch {batch})");
        }

        Collect();
        manual_seed(0);
        using var net = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
        net.eval();
        long[] evalRows = Enumerable.Range(0, 2048).Select(i => (long)(i % rows.Count)).ToArray();
        var (inference, latency) = MeasureInference(net, data, evalRows, repeats);
        double inferenceBound = 256 * 1000.0 / ComputeCeiling.ConvolutionForwardMilliseconds(net, spec.Preprocess.Size, 256, Math.Max(repeats, 5));
        log.Info($"bench: inference batch 256: {inference:F0} images/s = {inference / inferenceBound:P0} of the convolution bound ({inferenceBound:F0} images/s: " +
                 $"the convolutions' forward alone); batch 1 latency {latency:F2} ms");
        var (bf16Native, bf16Why) = Bf16Support.Check();
        (double Batch256, double Batch1LatencyMs)? bf16 = null;
        if (bf16Native)
        {
            manual_seed(0); // the same weights as net
            using var bf16Net = new Bf16Network(ModelRegistry.Create(spec.Model, spec.Preprocess.Size));
            bf16Net.eval();
            bf16 = MeasureInference(bf16Net, data, evalRows, repeats);
            log.Info($"bench: inference batch 256 in bfloat16: {bf16.Value.Batch256:F0} images/s ({bf16.Value.Batch256 / inference:F2}x float32); batch 1 latency {bf16.Value.Batch1LatencyMs:F2} ms ({bf16Why})");
        }
        else log.Info($"bench: inference in bfloat16 not measured: {bf16Why}");
        var (onnxInference, onnxLatency, onnxModel) = OnnxInference(spec, net, data, evalRows, threads, repeats);
        log.Info($"bench: ONNX Runtime inference batch 256: {onnxInference:F0} images/s; batch 1 latency {onnxLatency:F2} ms (same network, exported as weights/*.onnx is)");
        int predictImages = Prediction.Predictor.Throughput(pipeline.DataRoot, onnxModel, spec, "dihedral8", threads).Images; // warm-up
        double predictRate = Median(repeats, () => Prediction.Predictor.Throughput(pipeline.DataRoot, onnxModel, spec, "dihedral8", threads).ImagesPerSecond);
        log.Info($"bench: predict from {predictImages} image files with dihedral8 TTA on ONNX Runtime (reading, decoding, eight views, inference): {predictRate:F0} images/s");

        var ceiling = MeasureCeiling(net, spec.Preprocess.Size, threads, repeats, log);
        var result = new BenchResult
        {
            Dataset = spec.Dataset.Source, Images = rows.Count, Threads = threads, CpuModel = EnvironmentInfo.Capture().CpuModel, MallocTuned = MallocTuning.Applied,
            Repeats = repeats, PrepareColdImagesPerSecond = prepare.Cold, PrepareCachedImagesPerSecond = rows.Count / prepare.CachedSeconds,
            PrepareCachedSeconds = prepare.CachedSeconds, TrainImagesPerSecond = train, TrainConvolutionShare = convolutionShare,
            TrainConvolutionBoundImagesPerSecond = convolutionBound, InferenceConvolutionBoundImagesPerSecond = double.IsFinite(inferenceBound) ? inferenceBound : null,
            InferenceBatch256ImagesPerSecond = inference, InferenceBatch1LatencyMs = latency,
            OnnxInferenceBatch256ImagesPerSecond = onnxInference, OnnxInferenceBatch1LatencyMs = onnxLatency, PredictTtaOnnxImagesPerSecond = predictRate,
            InferenceBf16Batch256ImagesPerSecond = bf16?.Batch256, InferenceBf16Batch1LatencyMs = bf16?.Batch1LatencyMs,
            PeakRssBytes = Math.Max(preparePeak, ProcessMemory.PeakRssBytes()), PeakRssTrainingBytes = peakReset ? ProcessMemory.PeakRssBytes() : null,
            CpuFlags = ceiling.Flags, MatmulGflops = ceiling.Gflops, Bf16MatmulGflops256 = ceiling.Bf16, ForwardMflopsPerImage = ceiling.Flops / 1e6,
            TrainCeilingImagesPerSecond = ceiling.Gflops * 1e9 / (3 * ceiling.Flops), InferenceCeilingImagesPerSecond = ceiling.Gflops * 1e9 / ceiling.Flops,
            TrainStepProfileMs = profile, Arch = spec.Model.Arch, Size = spec.Preprocess.Size, Parameters = net.parameters().Sum(p => p.numel()),
        };
        log.Info($"bench: model {result.Arch} at {result.Size} px: {result.Parameters:N0} parameters, {result.ForwardMflopsPerImage:F1} MFLOP per image forward");
        string trainingPeak = result.PeakRssTrainingBytes is long bytes ? $"{bytes / (1024.0 * 1024):F0} MiB while training and inferring, " : "";
        log.Info($"bench: peak RSS {trainingPeak}{result.PeakRssBytes / (1024.0 * 1024):F0} MiB since start-up (before: the repeated cold prepares), {threads} threads, malloc tuned: {MallocTuning.Applied}, CPU {result.CpuModel}");
        return result;
    }

    /// <summary>Prepare: decode + resize (cold), then reload of the verified cache file.</summary>
    static (double Cold, double CachedSeconds) MeasurePrepare(ExperimentSpec spec, Orchestrator pipeline, int repeats, ILog log)
    {
        var rows = pipeline.IndexRows();
        double cold = Median(repeats, () => Rate(rows.Count, () => PrepareStage.Build(rows, pipeline.DataRoot, spec.Preprocess, new CapturingLog())));
        Collect(); // the repeated cold builds leave garbage that would otherwise count as the pipeline's peak RSS
        string cachePath = pipeline.PreparedPath;
        double cachedSeconds = Median(repeats, () => Seconds(() => PreparedFile.TryRead(cachePath, rows.Count, spec.Preprocess.Size, out _)));
        log.Info($"bench: prepare cold {cold:F0} images/s, from cache {rows.Count / cachedSeconds:F0} images/s ({cachedSeconds:F3} s)");
        return (cold, cachedSeconds);
    }

    /// <summary>A fresh model's training steps at <paramref name="batch"/>, timed piece by piece.</summary>
    static Dictionary<string, double>? ProfileStep(ExperimentSpec spec, TrainingData data, int batch, int steps)
    {
        Collect();
        manual_seed(SeedSource.TorchSeed(spec.Seed, "torch"));
        using var model = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
        using var optimizer = new FlatAdam(model.parameters(), spec.Train.Lr, spec.Train.Beta1, spec.Train.Beta2, spec.Train.Epsilon);
        return StepProfile.Milliseconds(model, optimizer, data, batch, steps);
    }

    /// <summary>Training steps at one batch size (with augmentation when given), after a warm-up: images/s, and the
    /// milliseconds the step's convolutions alone take (not measured for the augmented run: the same convolutions).</summary>
    static (double Rate, double ConvolutionMs) MeasureTraining(ExperimentSpec spec, TrainingData data, int batch, AugmentSpec? augment, int repeats, int trainSteps)
    {
        Collect(); // each run starts without the previous one's freed buffers
        manual_seed(SeedSource.TorchSeed(spec.Seed, "torch"));
        using var model = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
        model.train();
        using var optimizer = new FlatAdam(model.parameters(), spec.Train.Lr, spec.Train.Beta1, spec.Train.Beta2, spec.Train.Epsilon);
        var augmenter = augment is null ? null : new Modelling.Augmentation.Augmenter(augment, spec.Seed);
        long[] Rows(int step) => Enumerable.Range(0, batch).Select(i => data.Train[(step * batch + i) % data.Train.Length]).ToArray();
        // Warm-up until the steps run at their steady rate: .NET's tiered JIT optimises the managed parts (dropout masks,
        // augmentation) only after many calls, and the allocator's arenas grow during the first steps. Five steps left
        // batch 8 at 55-70% of the rate the same process measured later (689-741 against 960-1,297 images/s here).
        var warmUp = Stopwatch.StartNew();
        for (int s = 0; s < 5 || warmUp.Elapsed < TimeSpan.FromSeconds(2); s++) Trainer.Step(model, optimizer, data, Rows(s), augmenter, 1);
        double rate = Median(repeats, () => Rate(trainSteps * batch, () => { for (int s = 0; s < trainSteps; s++) Trainer.Step(model, optimizer, data, Rows(s), augmenter, 1); }));
        double convolutions = augment is null ? ComputeCeiling.ConvolutionMillisecondsPerStep(model, spec.Preprocess.Size, batch, Math.Max(repeats, 5)) : double.NaN;
        return (rate, convolutions);
    }

    /// <summary>Inference at batch 256 (images/s) and one image at a time (ms).</summary>
    static (double Batch256, double Batch1LatencyMs) MeasureInference(nn.Module<Tensor, Tensor> net, TrainingData data, long[] rows, int repeats)
    {
        Evaluator.Run(net, data, rows[..256]);
        double inference = Median(repeats, () => Rate(rows.Length, () => Evaluator.Run(net, data, rows)));
        double latency = Median(repeats, () =>
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 100; i++) Evaluator.Run(net, data, [i]);
            return clock.Elapsed.TotalMilliseconds / 100;
        });
        return (inference, latency);
    }

    /// <summary>The ceiling: this CPU's fp32 matmul rate over the model's FLOPs (training ≈ 3 x forward), and bf16's.</summary>
    static (double Gflops, double Flops, double Bf16, string[] Flags) MeasureCeiling(nn.Module<Tensor, Tensor> net, int size, int threads, int repeats, ILog log)
    {
        double gflops = ComputeCeiling.MatmulGflops(repeats);
        double flops = ComputeCeiling.ForwardFlopsPerImage(net, size);
        var flags = ComputeCeiling.CpuFlags();
        // Small: without AVX512_BF16 LibTorch emulates bf16 and a 1024 product would take seconds.
        double bf16 = ComputeCeiling.MatmulGflops(repeats, ScalarType.BFloat16, n: 256, products: 10);
        log.Info($"bench: bf16 matmul {bf16:F1} GFLOP/s (256 x 256; fp32 at that size {ComputeCeiling.MatmulGflops(repeats, n: 256, products: 10):F0})");
        // Context, not the bound: oneDNN's convolutions run above a 1024² matmul's rate on some CPUs; the bounds above are
        // the network's own convolutions, timed alone.
        log.Info($"bench: context (not a bound): fp32 matmul {gflops:F0} GFLOP/s on {threads} threads, {flops / 1e6:F1} MFLOP per image forward → " +
                 $"training ~{gflops * 1e9 / (3 * flops):F0}, inference ~{gflops * 1e9 / flops:F0} images/s at that rate; CPU flags: {string.Join(' ', flags)}");
        return (gflops, flops, bf16, flags);
    }

    /// <summary>The same network exported to ONNX (in memory) and run by ONNX Runtime's CPU provider on the same
    /// images and thread count: batches of 256 (preprocessing inside the graph, from the uint8 bytes), then one
    /// image at a time.</summary>
    static (double Batch256, double Batch1LatencyMs, byte[] Model) OnnxInference(ExperimentSpec spec, nn.Module<Tensor, Tensor> net, TrainingData data, long[] rows, int threads, int repeats)
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
        return (rate, latency, model);
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
