using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;
using MalariaLab.Modelling.Models;
using MalariaLab.Modelling.Training;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Pipeline;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Training;

/// <summary>Every registered architecture trains to finite losses and weights on the real sample, plain and with every
/// augmentation on, whatever the CPU's instruction set (wide-gap-cnn's augmented batches trained to NaN on AVX-512
/// hosts: LibTorch's NCHW kernel for 24 input channels; networks now always run channels-last). CI runs the suite both
/// unrestricted and under ONEDNN_MAX_CPU_ISA=AVX2.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class FiniteTrainingTests(FiniteTrainingTests.SampleImages sample) : IClassFixture<FiniteTrainingTests.SampleImages>
{
    /// <summary>The sample prepared once at 48 px; 400 training and 100 validation images drawn from its split.</summary>
    public sealed class SampleImages : TempFolder
    {
        public TrainingData Data { get; }

        public SampleImages()
        {
            var options = new PipelineOptions
            {
                Experiment = System.IO.Path.Combine(TestPaths.RepoRoot, "experiments", "seed-cnn.yaml"),
                DatasetSource = TestPaths.SampleZip, Mirror = TestPaths.SharedData, Artifacts = Path, Sets = ["dataset.sha256=null"],
            };
            var pipeline = new Orchestrator(options.LoadSpec(), options, new CapturingLog());
            pipeline.Resolve("split");
            pipeline.Resolve("prepare");
            var all = new TrainingData(pipeline.Prepared(), pipeline.IndexRows(), pipeline.SplitRows(), pipeline.Spec.Preprocess.Scale);
            Data = all.Subset(all.Train.Take(400).ToArray(), all.Validation.Take(100).ToArray());
        }
    }

    public static TheoryData<string, bool> Cases()
    {
        var cases = new TheoryData<string, bool>();
        foreach (var arch in ModelRegistry.Names.Where(n => !n.StartsWith("toy", StringComparison.Ordinal)).Order())
        {
            cases.Add(arch, false);
            cases.Add(arch, true);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Two_epochs_give_finite_losses_and_weights(string arch, bool augmented)
    {
        set_num_threads(2);
        manual_seed(7);
        var spec = SpecLoader.Parse($"name: finite\nseed: 7\nmodel: {{arch: {arch}}}\ntrain: {{batch_size: 8, epochs: 2, lr: 0.0003, early_stopping: {{monitor: none}}}}\n" +
            (augmented ? "augment: {flips: dihedral8, brightness: 0.1, contrast: 0.1, saturation: 0.1, hue: 0.02, scale: 0.05, shift: 0.05}\n" : ""), "finite.yaml");
        using var temp = new TempFolder();
        using var model = ModelRegistry.Create(spec.Model, 48);
        var log = new CapturingLog();
        var outcome = new Trainer(spec.Train, spec.Seed, log, spec.Augment)
            .Fit(model, sample.Data, temp.File("weights"), temp.File("tensorboard"));

        Assert.Equal(2, outcome.History.Count);
        Assert.All(outcome.History, h => Assert.True(double.IsFinite(h.Loss) && double.IsFinite(h.ValLoss), $"{arch}: {h}\n{log.Text}"));
        using var _ = no_grad();
        foreach (var (name, tensor) in model.state_dict())
            if (tensor.is_floating_point()) Assert.True(tensor.isfinite().all().item<bool>(), $"{arch}: {name} holds a non-finite value");
    }
}
