using MalariaLab.Models;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Models;

public class FastDropoutTests
{
    [Fact]
    public void Xoshiro256_matches_the_reference_output_for_state_1_2_3_4()
    {
        // Reference xoshiro256starstar.c with s = {1, 2, 3, 4}: 11520, 0, 1509978240, 1215971899390074240, ...
        var random = new Xoshiro256(1, 2, 3, 4);
        Assert.Equal([11520UL, 0UL, 1509978240UL, 1215971899390074240UL], Enumerable.Range(0, 4).Select(_ => random.Next()));
    }

    [Fact]
    public void Drops_the_asked_fraction_and_keeps_the_mean()
    {
        manual_seed(3);
        using var dropout = new FastDropout(0.2);
        dropout.train();
        using var x = ones(64, 16, 24, 24).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2); // channels-last, as in the model
        using var y = dropout.forward(x);
        double dropped = y.eq(0).to_type(ScalarType.Float64).mean().item<double>();
        Assert.InRange(dropped, 0.195, 0.205);
        Assert.InRange(y.mean().item<float>(), 0.99, 1.01);
        Assert.Equal(x.stride(), y.stride()); // keeps the memory format
    }

    [Fact]
    public void Is_the_identity_in_eval_mode_and_repeatable_from_the_torch_seed()
    {
        using var x = rand(4, 8, 6, 6);
        manual_seed(9);
        using var a = new FastDropout(0.3);
        manual_seed(9);
        using var b = new FastDropout(0.3);
        a.train(); b.train();
        Assert.True(a.forward(x).allclose(b.forward(x), 0, 0));
        a.eval();
        Assert.True(a.forward(x).allclose(x, 0, 0));
    }

    [Fact]
    public void Gradient_flows_through_kept_elements_only()
    {
        manual_seed(1);
        using var dropout = new FastDropout(0.5);
        dropout.train();
        using var x = ones(1000, requires_grad: true);
        var y = dropout.forward(x);
        y.sum().backward();
        Assert.True(x.grad!.allclose(y.detach(), 0, 0)); // d(sum)/dx = mask * scale = y for x = 1
    }
}
