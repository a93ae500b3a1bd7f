using System.IO.Compression;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;
using MalariaLab.Modelling.Export;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Workflows.Prediction;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MalariaLab.Tests.Workflows.Prediction;

/// <summary>Predict on ONNX Runtime with a run trained on 2 threads: 2 workers, each with chunks of its own on a
/// one-thread session. Every image, from a folder or a zip, gets exactly the probability one two-thread session gives
/// all of them in one batch, views averaged as Predict averages them, and the label that goes with it; an unreadable
/// file is still an error row.</summary>
[Collection(LibTorchCollection.Name)]
public class PredictWorkersTests
{
    /// <summary>A 20 x 20 PNG of noise: no two inputs alike, so a probability given to the wrong file shows.</summary>
    static byte[] NoisePng(int seed)
    {
        var random = new Random(seed);
        using var image = new Image<Rgb24>(20, 20);
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 20; x++)
                image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_workers_give_every_image_the_probability_of_one_two_thread_session(bool zip)
    {
        using var experiment = new TinyExperiment();
        var options = experiment.Options("train.threads=2", "evaluate.tta=dihedral8");
        var run = new Orchestrator(experiment.Spec(options), options, new CapturingLog()).TrainEvaluatePublish();
        var spec = SpecLoader.LoadFile(run.File("spec.yaml"));

        // Many chunks for each worker, and one file that is not an image.
        var files = Enumerable.Range(0, 576).Select(i => (Name: $"{i:D3}.png", Bytes: NoisePng(i)))
            .Append((Name: "100-broken.png", Bytes: "not an image"u8.ToArray())).ToList();
        using var inputs = new TempFolder();
        string input = inputs.Path;
        if (zip)
        {
            input = inputs.File("images.zip");
            using var archive = ZipFile.Open(input, ZipArchiveMode.Create);
            foreach (var (name, bytes) in files)
                using (var entry = archive.CreateEntry(name).Open()) entry.Write(bytes);
        }
        else foreach (var (name, bytes) in files) File.WriteAllBytes(inputs.File(name), bytes);

        var log = new CapturingLog();
        var results = Predictor.Predict(run, input, log, engine: "onnx");
        Assert.Contains("2 workers", log.Text);
        Assert.Equal(files.Count, results.Count);
        Assert.Equal(files.Select(f => zip ? $"{input}!{f.Name}" : inputs.File(f.Name)).Order(StringComparer.Ordinal), results.Select(r => r.Path));
        Assert.NotNull(results.Single(r => r.Path.EndsWith("100-broken.png", StringComparison.Ordinal)).Error);

        var good = results.Where(r => r.Error is null).ToList();
        var bytesOf = files.ToDictionary(f => f.Name, f => f.Bytes);
        int size = spec.Preprocess.Size;
        byte[] pixels = [.. good.SelectMany(r => MalariaLab.Data.Prepare.Preprocessor.Prepare(bytesOf[Path.GetFileName(r.Path.Split('!')[^1])], r.Path, spec.Preprocess))];
        using var session = new OnnxRunner(run.File("weights/best.onnx"), "cpu", 2);
        var sum = new double[good.Count];
        var view = new byte[pixels.Length];
        for (int k = 0; k < 8; k++)
        {
            var p = session.Probabilities(PixelViews.View(pixels, good.Count, size, "dihedral8", k, view), good.Count);
            for (int i = 0; i < good.Count; i++) sum[i] += p[i];
        }
        Assert.Equal(sum.Select(s => (double)(float)(s / 8)), good.Select(r => r.ProbabilityParasitized!.Value));
        Assert.True(good.Select(r => r.ProbabilityParasitized).Distinct().Count() > good.Count / 2, "the probabilities should differ from image to image");
        // One threshold separates the labels.
        var parasitized = good.Where(r => r.Label == MalariaLab.Data.Indexing.Labels.Parasitized).Select(r => r.ProbabilityParasitized!.Value).DefaultIfEmpty(1).Min();
        var uninfected = good.Where(r => r.Label == MalariaLab.Data.Indexing.Labels.Uninfected).Select(r => r.ProbabilityParasitized!.Value).DefaultIfEmpty(0).Max();
        Assert.True(uninfected < parasitized, $"labels do not follow the probabilities: Uninfected up to {uninfected}, Parasitized from {parasitized}");
    }
}
