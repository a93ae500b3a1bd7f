using MalariaLab.Modelling.Models;
using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Models;

/// <summary>Each network is written once, as its steps. Bitwise claims only where they hold by construction (forward is
/// the fold over the steps on a channels-last batch); against an independent float64 computation, a tolerance.</summary>
[Collection(LibTorchCollection.Name)]
public class LayeredNetworkTests
{
    public static TheoryData<string> Architectures() => [.. ModelRegistry.Names.Where(n => !n.StartsWith("toy", StringComparison.Ordinal)).Order()];

    static LayeredNetwork Create(string arch, string options = "")
    {
        manual_seed(2);
        return ModelRegistry.Create(SpecLoader.Parse($"name: t\nseed: 1\nmodel: {{arch: {arch}{options}}}\n", "t.yaml").Model, 48);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Forward_is_the_fold_over_the_steps_of_a_channels_last_batch(string arch)
    {
        // The training path (seed-cnn's inference reorders pool and BatchNorm: tested below against float64), without
        // dropout, whose masks are new on every pass.
        using var model = Create(arch, arch == "seed-cnn" ? ", conv_dropout: 0, dense_dropout: 0" : ", dense_dropout: 0");
        model.train();
        using var _ = no_grad();
        var nchw = rand(2, 3, 48, 48);
        var forward = model.forward(nchw);
        var stepped = model.Steps().Aggregate(LayeredNetwork.ChannelsLast(nchw), (t, step) => step.Apply(t));
        Assert.True(forward.equal(stepped).all().item<bool>(), arch);
    }

    /// <summary>float32 against float64 (LibTorch's reference kernels) for a plain NCHW batch and a channels-last one, in
    /// eval mode. The relative error of float32 through 8-16 layers is about 1e-6; the AVX-512 NCHW kernel bug gave 0.13.</summary>
    [Theory]
    [MemberData(nameof(Architectures))]
    public void Eval_forward_agrees_with_float64_for_either_memory_layout(string arch)
    {
        using var model = Create(arch);
        model.eval();
        using var _ = no_grad();
        var nhwc = rand(4, 48, 48, 3);
        var channelsLast = nhwc.permute(0, 3, 1, 2);
        var plain = channelsLast.contiguous();
        var y32 = new[] { model.forward(channelsLast), model.forward(plain) };
        model.to(float64);
        var y64 = model.forward(plain.to_type(ScalarType.Float64));
        double scale = y64.abs().max().item<double>();
        foreach (var y in y32)
        {
            double error = (y.to_type(ScalarType.Float64) - y64).abs().max().item<double>();
            Assert.True(error <= 1e-4 * Math.Max(scale, 1e-3), $"{arch}: float32 differs from float64 by {error} (outputs up to {scale})");
        }
    }
}
