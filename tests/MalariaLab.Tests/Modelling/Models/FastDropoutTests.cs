using MalariaLab.Tests.Support;
using MalariaLab.Modelling.Models;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Models;

[Collection(LibTorchCollection.Name)]
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

    [Theory]
    [InlineData(0.2, new long[] { 64, 16, 24, 24 })]
    [InlineData(0.3, new long[] { 3, 5, 7, 1 })] // 105 elements: exercises the scalar tail and the odd random bytes
    [InlineData(0.5, new long[] { 2, 9 })]
    public void Mask_is_bit_for_bit_the_reference_rule(double p, long[] shape)
    {
        // Oracle: the rule written out with plain tensor ops, from a generator seeded exactly as FastDropout's is.
        manual_seed(42);
        using var seeds = randint(long.MinValue, long.MaxValue, [4], ScalarType.Int64);
        var s = seeds.data<long>().ToArray();
        var random = new Xoshiro256((ulong)s[0], (ulong)s[1], (ulong)s[2], (ulong)s[3] | 1);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var bytes = new byte[count * 2];
        int whole = bytes.Length / 8 * 8;
        for (int i = 0; i < whole; i += 8) BitConverter.TryWriteBytes(bytes.AsSpan(i), random.Next());
        for (int i = whole; i < bytes.Length; i++) bytes[i] = (byte)random.Next();
        var draws = Enumerable.Range(0, (int)count).Select(i => BitConverter.ToInt16(bytes, 2 * i)).ToArray();
        int drop = (int)Math.Round(p * 65536);
        using var keep = tensor(draws.Select(d => d >= drop - 32768).ToArray()).reshape(shape);
        using var x = randn(shape);
        using var expected = x.mul(keep).mul_(65536.0 / (65536 - drop));

        manual_seed(42);
        using var dropout = new FastDropout(p);
        dropout.train();
        using var actual = dropout.forward(x);
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }
}
