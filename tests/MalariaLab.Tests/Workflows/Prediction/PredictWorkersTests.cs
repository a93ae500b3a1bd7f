using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;
using MalariaLab.Modelling.Export;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Workflows.Prediction;

namespace MalariaLab.Tests.Workflows.Prediction;

/// <summary>Predict on ONNX Runtime with a run trained on 2 threads: 2 workers, each with chunks of its own on a
/// one-thread session. Every image gets exactly the probability one two-thread session gives the whole folder in one
/// batch, views averaged as Predict averages them; an unreadable file is still an error row.</summary>
[Collection(LibTorchCollection.Name)]
public class PredictWorkersTests
{
    [Fact]
    public void Two_workers_give_every_image_the_probability_of_one_two_thread_session()
    {
        using var experiment = new TinyExperiment();
        var options = experiment.Options("train.threads=2", "evaluate.tta=dihedral8");
        var run = new Orchestrator(experiment.Spec(options), options, new CapturingLog()).TrainEvaluatePublish();
        var spec = SpecLoader.LoadFile(run.File("spec.yaml"));

        // Many chunks for each worker: the 48 images 12 times over, and one that is not an image.
        using var inputs = new TempFolder();
        var sources = Directory.EnumerateFiles(experiment.File("data"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(48, sources.Count);
        for (int copy = 0; copy < 12; copy++)
            foreach (var source in sources)
                File.Copy(source, inputs.File($"{copy:D2}-{Path.GetFileName(source)}"));
        File.WriteAllText(inputs.File("05-broken.png"), "not an image");

        var log = new CapturingLog();
        var results = Predictor.Predict(run, inputs.Path, log, engine: "onnx");
        Assert.Contains("2 workers", log.Text);
        Assert.Equal(577, results.Count);
        Assert.Equal(Directory.GetFiles(inputs.Path).Order(StringComparer.Ordinal), results.Select(r => r.Path));
        Assert.NotNull(results.Single(r => r.Path.EndsWith("05-broken.png", StringComparison.Ordinal)).Error);

        var good = results.Where(r => r.Error is null).ToList();
        int size = spec.Preprocess.Size, image = size * size * 3;
        byte[] pixels = [.. good.SelectMany(r => MalariaLab.Data.Prepare.Preprocessor.Prepare(File.ReadAllBytes(r.Path), r.Path, spec.Preprocess))];
        using var session = new OnnxRunner(run.File("weights/best.onnx"), "cpu", 2);
        var sum = new double[good.Count];
        var view = new byte[pixels.Length];
        for (int k = 0; k < 8; k++)
        {
            var p = session.Probabilities(PixelViews.View(pixels, good.Count, size, "dihedral8", k, view), good.Count);
            for (int i = 0; i < good.Count; i++) sum[i] += p[i];
        }
        Assert.Equal(sum.Select(s => (double)(float)(s / 8)), good.Select(r => r.ProbabilityParasitized!.Value));
        Assert.True(good.Select(r => r.ProbabilityParasitized).Distinct().Count() > 10, "the probabilities should differ from image to image");
        Assert.Equal(good.Count * image, pixels.Length);
    }
}
