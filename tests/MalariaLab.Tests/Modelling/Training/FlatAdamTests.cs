using MalariaLab.Tests.Support;
using MalariaLab.Modelling.Models;
using MalariaLab.Modelling.Training;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Training;

[Collection(LibTorchCollection.Name)]
public class FlatAdamTests
{
    [Fact]
    public void Gives_bit_for_bit_the_weights_of_torchsharps_adam()
    {
        // Oracle: TorchSharp's own optim.Adam on an identical model fed identical batches.
        manual_seed(11);
        using var reference = new SeedCnn(48, 0.2, 128, 0.3);
        manual_seed(11);
        using var flat = new SeedCnn(48, 0.2, 128, 0.3);
        using var adam = optim.Adam(reference.parameters(), 1e-3, 0.9, 0.999, 1e-7);
        using var flatAdam = new FlatAdam(flat.parameters(), 1e-3, 0.9, 0.999, 1e-7);
        reference.train();
        flat.train();
        for (int step = 0; step < 6; step++)
        {
            using var scope = NewDisposeScope();
            var x = rand(8, 48, 48, 3).permute(0, 3, 1, 2);
            var y = randint(0, 2, [8]).to_type(ScalarType.Float32);
            adam.zero_grad();
            nn.functional.binary_cross_entropy_with_logits(reference.forward(x).squeeze(1), y).backward();
            adam.step();
            flatAdam.ZeroGrad();
            nn.functional.binary_cross_entropy_with_logits(flat.forward(x).squeeze(1), y).backward();
            flatAdam.Step();
        }
        var expected = reference.state_dict();
        foreach (var (name, actual) in flat.state_dict())
            Assert.True(expected[name].bytes.SequenceEqual(actual.bytes), $"{name} differs from optim.Adam's");
        manual_seed(11);
        using var untrained = new SeedCnn(48, 0.2, 128, 0.3);
        Assert.False(untrained.state_dict()["conv1.weight"].allclose(expected["conv1.weight"], 0, 0), "six steps must move the weights");
    }
}
