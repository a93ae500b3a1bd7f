using MalariaLab.Data.Indexing;
using MalariaLab.Data.Prepare;
using MalariaLab.Data.Splitting;
using MalariaLab.Modelling.Models;
using MalariaLab.Modelling.Training;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Bench;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Workflows.Bench;

/// <summary>The profiled step is the training step: the same weights after the same batches as Trainer.Step, and a
/// profile that names every layer kind's forward and the step's other pieces.</summary>
[Collection(LibTorchCollection.Name)]
public class StepProfileTests
{
    static TrainingData Data(int count)
    {
        var random = new Random(5);
        var pixels = new byte[count * 48 * 48 * 3];
        random.NextBytes(pixels);
        var index = Enumerable.Range(0, count).Select(i => new IndexRow($"{i}.png", "c", i % 3 == 0 ? Labels.Parasitized : Labels.Uninfected, "p", 48, 48, "", "")).ToList();
        var split = index.Select(r => new SplitRow(r.Path, r.Label, r.Patient, Subsets.Train)).ToList();
        return new TrainingData(new PreparedImages(count, 48, pixels), index, split, 1 / 255.0);
    }

    [Fact]
    public void A_profiled_step_moves_the_weights_exactly_as_the_training_step()
    {
        using var data = Data(40);
        manual_seed(3);
        using var trained = new SeedCnn(48, 0.2, 128, 0.3);
        manual_seed(3);
        using var profiled = new SeedCnn(48, 0.2, 128, 0.3);
        using var adam = new FlatAdam(trained.parameters(), 1e-3, 0.9, 0.999, 1e-7);
        using var profiledAdam = new FlatAdam(profiled.parameters(), 1e-3, 0.9, 0.999, 1e-7);
        trained.train();
        profiled.train();
        for (int step = 0; step < 4; step++)
        {
            long[] rows = [.. Enumerable.Range(step * 8, 8).Select(i => (long)i)];
            var (loss, _) = Trainer.Step(trained, adam, data, rows);
            var (profiledLoss, times) = StepProfile.Step(profiled, profiledAdam, data, rows);
            Assert.Equal(loss, profiledLoss);
            Assert.All(times, t => Assert.True(t.Ms >= 0));
        }
        var expected = trained.state_dict();
        foreach (var (name, actual) in profiled.state_dict())
            Assert.True(expected[name].bytes.SequenceEqual(actual.bytes), $"{name} differs from Trainer.Step's");
    }

    [Fact]
    public void The_profile_names_each_layer_kind_and_the_rest_of_the_step()
    {
        using var data = Data(24);
        manual_seed(3);
        using var model = new SeedCnn(48, 0.2, 128, 0.3);
        using var adam = new FlatAdam(model.parameters(), 1e-3, 0.9, 0.999, 1e-7);
        var profile = StepProfile.Milliseconds(model, adam, data, batch: 8, steps: 3, warmUp: 1)!;
        var kinds = model.Steps().Select(s => "forward: " + s.Kind).Distinct();
        Assert.Equal([StepProfile.Batch, .. kinds, StepProfile.Loss, StepProfile.Optimizer, StepProfile.Backward, StepProfile.Metrics, StepProfile.Free, StepProfile.Between], profile.Keys);
        Assert.All(profile.Where(p => p.Key != StepProfile.Between).Select(p => p.Value), ms => Assert.True(ms > 0));
    }
}
