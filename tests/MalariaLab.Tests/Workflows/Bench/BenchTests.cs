using System.Text.Json;
using MalariaLab.Workflows.Bench;
using MalariaLab.Foundation.Common;
using MalariaLab.Modelling.Models;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Support;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Workflows.Bench;

[Collection(LibTorchCollection.Name)]
public class BenchTests
{
    [Fact]
    public void Forward_flops_of_the_seed_cnn_are_counted_layer_by_layer()
    {
        // By hand: 2 x outputs x (inputs per output) for conv1..4 (3x3 same) and fc1, fc2 at 48x48.
        long expected = 2L * (48 * 48 * 16 * 27 + 24 * 24 * 32 * 144 + 12 * 12 * 64 * 288 + 6 * 6 * 128 * 576 + 128 * 1152 + 128);
        manual_seed(1);
        using var model = new SeedCnn(48, 0.2, 128, 0.3);
        Assert.Equal(18_211_072L, expected);
        Assert.Equal(expected, ComputeCeiling.ForwardFlopsPerImage(model, 48));
    }

    /// <summary>2 x outputs x inputs per output of a k x k convolution with a square output of side hw.</summary>
    static long Conv(int cin, int cout, int k, int hw) => 2L * hw * hw * cout * cin * k * k;

    [Fact]
    public void Forward_flops_of_the_wide_gap_cnn_are_counted_layer_by_layer()
    {
        // By hand, at 48 px: two 3x3 convs per stage at 48, 24, 12 and 6 px (max-pool between stages), then the dense head.
        long expected = Conv(3, 24, 3, 48) + Conv(24, 24, 3, 48) + Conv(24, 48, 3, 24) + Conv(48, 48, 3, 24)
                        + Conv(48, 96, 3, 12) + Conv(96, 96, 3, 12) + Conv(96, 192, 3, 6) + Conv(192, 192, 3, 6) + 2 * 192;
        manual_seed(1);
        using var model = new WideGapCnn(48, 0.3);
        Assert.Equal(134_369_664L, expected);
        Assert.Equal(expected, ComputeCeiling.ForwardFlopsPerImage(model, 48));
        Assert.Equal(8, LayerTrace.Convolutions(model, 48).Count);
    }

    [Fact]
    public void Forward_flops_of_the_residual_network_count_every_convolution_inside_its_blocks()
    {
        // By hand, at 48 px: the stem; blocks 0-1 (32 → 32 at 48 px); block 2 (32 → 64, stride 2: conv1 and the 1x1 projection
        // to 24 px, conv2 at 24); block 3 (64 at 24); block 4 (64 → 128, stride 2, to 12 px); block 5 (128 at 12); the head.
        long expected = Conv(3, 32, 3, 48)
                        + 4 * Conv(32, 32, 3, 48)
                        + Conv(32, 64, 3, 24) + Conv(64, 64, 3, 24) + Conv(32, 64, 1, 24)
                        + 2 * Conv(64, 64, 3, 24)
                        + Conv(64, 128, 3, 12) + Conv(128, 128, 3, 12) + Conv(64, 128, 1, 12)
                        + 2 * Conv(128, 128, 3, 12)
                        + 2 * 128;
        manual_seed(1);
        using var model = new ResNetSmall(48, 0.3);
        Assert.Equal(expected, ComputeCeiling.ForwardFlopsPerImage(model, 48));
        var convolutions = LayerTrace.Convolutions(model, 48);
        Assert.Equal(15, convolutions.Count); // stem + 6 blocks x 2 + 2 projections
        // A strided block's first convolution reads the full-size input.
        Assert.Contains(convolutions, c => c.Input.SequenceEqual([32L, 48, 48]) && c.Output.SequenceEqual([64L, 24, 24]));
        // The summary lists every step with its output shape (Keras order HWC).
        string summary = ModelSummary.Describe(model, 48);
        Assert.Contains("block2 (pre-activation block, stride 2, 1x1 projection)", summary);
        Assert.Contains("(None, 24, 24, 64)", summary);
    }

    [Fact]
    public void Bench_times_the_shipped_augmented_specs_augmentation()
    {
        var shipped = SpecLoader.LoadFile(Path.Combine(TestPaths.RepoRoot, "experiments", "augmented-cosine-cv.yaml"));
        Assert.Equal(shipped.Augment, Benchmark.ShippedAugmentation);
    }

    static long ReadVmHwm() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    [Fact]
    public void Bench_measures_every_path_on_the_given_data_and_writes_bench_json()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 40, 40), ("P2", 30, 30)]);
        var options = new PipelineOptions { Artifacts = temp.File("artifacts"), Sets = [$"dataset.source={temp.File("data")}", "dataset.sha256=null", "dataset.patient_maps_source=null", "train.threads=1"] };
        var spec = SpecLoader.Parse("name: t\nseed: 1\nsplit: {strategy: stratified}\n", "t.yaml", options.Sets);
        var log = new CapturingLog();

        long rssBefore = MalariaLab.Foundation.Common.ProcessMemory.PeakRssBytes();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Benchmark.Run(spec, options, log, repeats: 1, trainSteps: 2);
        double elapsed = clock.Elapsed.TotalSeconds;
        Benchmark.Write(result, temp.File("bench.json"));

        Assert.Equal(140, result.Images);
        Assert.Equal(1, result.Threads);
        Assert.Equal(["batch_8", "batch_64", "batch_128", "batch_8_augmented", "batch_64_augmented"], result.TrainImagesPerSecond.Keys);
        // Each rate's timed work (2 steps of its batch; 140 images prepared; one batch of 256 inferred) fits in the wall
        // time of the whole run, measured outside it: an inflated rate (or one from the wrong count) fails.
        foreach (var (name, rate) in result.TrainImagesPerSecond)
            Assert.InRange(2 * int.Parse(name.Split('_')[1]) / rate, 1e-6, elapsed);
        Assert.InRange(140 / result.PrepareColdImagesPerSecond, 1e-6, elapsed);
        Assert.InRange(256 / result.InferenceBatch256ImagesPerSecond, 1e-6, elapsed);
        Assert.InRange(140 / result.PredictTtaOnnxImagesPerSecond, 1e-6, elapsed);
        Assert.Matches("bench: predict from 140 image files with dihedral8 TTA", log.Text);
        Assert.InRange(result.InferenceBatch1LatencyMs / 1000, 1e-7, elapsed);
        // The peaks are the kernel's high-water mark: since start-up at least what the process held before the run;
        // while training (the mark reset after preparing) at most the mark now.
        Assert.True(result.PeakRssBytes >= rssBefore, $"{result.PeakRssBytes} < {rssBefore}");
        if (OperatingSystem.IsLinux()) Assert.InRange(result.PeakRssTrainingBytes!.Value, 1, ReadVmHwm());
        Assert.Equal(18.211072, result.ForwardMflopsPerImage, 9);
        Assert.Equal(result.MatmulGflops * 1e3 / (3 * result.ForwardMflopsPerImage), result.TrainCeilingImagesPerSecond, 6);
        Assert.Contains("bench: train batch 64:", log.Text);
        if (OperatingSystem.IsLinux()) Assert.InRange(result.PeakRssTrainingBytes!.Value, 1, result.PeakRssBytes);
        using var json = JsonDocument.Parse(File.ReadAllText(temp.File("bench.json")));
        Assert.Equal(140, json.RootElement.GetProperty("images").GetInt32());
    }
}
