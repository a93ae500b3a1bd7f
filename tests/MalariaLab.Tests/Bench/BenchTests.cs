using System.Text.Json;
using MalariaLab.Bench;
using MalariaLab.Common;
using MalariaLab.Models;
using MalariaLab.Pipeline;
using MalariaLab.Specs;
using MalariaLab.Tests.Support;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Bench;

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

    [Fact]
    public void Bench_measures_every_path_on_the_given_data_and_writes_bench_json()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 40, 40), ("P2", 30, 30)]);
        var options = new PipelineOptions { Artifacts = temp.File("artifacts"), Sets = [$"dataset.source={temp.File("data")}", "dataset.sha256=null", "dataset.patient_maps_source=null", "train.threads=1"] };
        var spec = SpecLoader.Parse("name: t\nseed: 1\nsplit: {strategy: stratified}\n", "t.yaml", options.Sets);
        var log = new CapturingLog();

        var result = Benchmark.Run(spec, options, log, repeats: 1, trainSteps: 2);
        Benchmark.Write(result, temp.File("bench.json"));

        Assert.Equal(140, result.Images);
        Assert.Equal(1, result.Threads);
        Assert.Equal(["batch_8", "batch_64", "batch_128", "batch_64_augmented"], result.TrainImagesPerSecond.Keys);
        Assert.All(result.TrainImagesPerSecond.Values, rate => Assert.True(rate > 0));
        Assert.True(result.InferenceBatch256ImagesPerSecond > 0 && result.InferenceBatch1LatencyMs > 0);
        Assert.True(result.PrepareColdImagesPerSecond > 0 && result.PeakRssBytes > 0 && result.MatmulGflops > 0);
        Assert.Equal(18.211072, result.ForwardMflopsPerImage, 9);
        Assert.Equal(result.MatmulGflops * 1e3 / (3 * result.ForwardMflopsPerImage), result.TrainCeilingImagesPerSecond, 6);
        Assert.Contains("bench: train batch 64:", log.Text);
        if (OperatingSystem.IsLinux()) Assert.InRange(result.PeakRssTrainingBytes!.Value, 1, result.PeakRssBytes);
        using var json = JsonDocument.Parse(File.ReadAllText(temp.File("bench.json")));
        Assert.Equal(140, json.RootElement.GetProperty("images").GetInt32());
    }
}
