using System.Runtime.InteropServices;
using MalariaLab.Tests.Support;
using MalariaLab.Modelling.Models;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Models;

/// <summary>The managed inference max-pool against LibTorch's own (the function it stands in for), bit for bit.</summary>
[Collection(LibTorchCollection.Name)]
public class InferenceMaxPoolTests
{
    // Values that make ties (±0, repeats, ±∞) and NaNs (two payloads, both signs) common in a 2x2 window.
    static readonly float[] Hard = [0f, -0f, 1f, -1f, 2.5f, float.PositiveInfinity, float.NegativeInfinity,
        BitConverter.Int32BitsToSingle(0x7FC00001), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC10000)),
        BitConverter.Int32BitsToSingle(0x7F800001)]; // a signalling NaN: picked as it is, never quieted

    [Theory]
    // Channel counts that reach every loop: 3 the scalar tail only; 8 one 256-bit vector; 16 the seed network's first
    // block; 27 = 16 + 8 + 3 and 59 = 48 + 8 + 3 the 512-bit loop, then the 256-bit loop, then the tail (on AVX2 hosts,
    // and with DOTNET_EnableAVX512F=0, the 256-bit loop and the tail).
    [InlineData(ScalarType.Float32, 3, false)]
    [InlineData(ScalarType.Float32, 8, false)]
    [InlineData(ScalarType.Float32, 16, false)]
    [InlineData(ScalarType.Float32, 27, false)]
    [InlineData(ScalarType.Float32, 59, false)]
    [InlineData(ScalarType.Float32, 8, true)]
    [InlineData(ScalarType.Float32, 16, true)]
    [InlineData(ScalarType.Float32, 27, true)]
    [InlineData(ScalarType.Float32, 59, true)]
    [InlineData(ScalarType.BFloat16, 3, false)]
    [InlineData(ScalarType.BFloat16, 8, false)]
    [InlineData(ScalarType.BFloat16, 27, false)]
    [InlineData(ScalarType.BFloat16, 59, false)]
    [InlineData(ScalarType.BFloat16, 3, true)]
    [InlineData(ScalarType.BFloat16, 27, true)]
    [InlineData(ScalarType.BFloat16, 59, true)]
    public void Gives_libtorchs_bits_on_random_values_ties_infinities_and_nans(ScalarType type, int channels, bool relu)
    {
        manual_seed(channels);
        using var _ = no_grad();
        using var random = randn(3, channels, 10, 14);
        using var pick = randint(0, Hard.Length * 2, [3, channels, 10, 14]); // half hard values, half random
        var values = random.data<float>().ToArray();
        var picks = pick.data<long>().ToArray();
        for (int i = 0; i < values.Length; i++) if (picks[i] < Hard.Length) values[i] = Hard[picks[i]];
        using var floats = tensor(values, [3, channels, 10, 14]);
        using var typed = floats.to(type); // bf16 keeps NaN a NaN (its payload may change; both pools see the same input)
        using var x = LayeredNetwork.ChannelsLast(typed);
        Assert.True(LayeredNetwork.IsChannelsLast(x));

        using var expected = relu ? nn.functional.max_pool2d(x, 2).relu_() : nn.functional.max_pool2d(x, 2);
        using var pooled = InferenceMaxPool.Pool(x, relu);

        Assert.Equal(expected.shape, pooled.shape);
        Assert.Equal(type, pooled.dtype);
        Assert.True(LayeredNetwork.IsChannelsLast(pooled));
        using var nans = pooled.isnan();
        using var expectedNans = expected.isnan();
        Assert.True(nans.any().item<bool>(), "the input should have made some NaN outputs");
        using var negativeZero = pooled.eq(0).logical_and(pooled.signbit());
        Assert.True(negativeZero.any().item<bool>(), "and some -0 outputs (which ReLU keeps)");
        if (type == ScalarType.Float32)
            Assert.Equal(Bytes(expected), Bytes(pooled)); // NaN payloads too
        else
        {
            // LibTorch's bf16 conversions write a NaN as 0xFFFF in their vector loops and 0x7FC0 in their scalar tails;
            // ours always writes 0x7FC0. Every other value has LibTorch's bits.
            Assert.Equal(Bytes(expectedNans), Bytes(nans));
            using var zeroed = pooled.masked_fill(nans, 0);
            using var expectedZeroed = expected.masked_fill(expectedNans, 0);
            Assert.Equal(Bytes(expectedZeroed), Bytes(zeroed));
            using var nanValues = pooled.masked_select(nans);
            Assert.All(MemoryMarshal.Cast<byte, ushort>(Bytes(nanValues)).ToArray(), bits => Assert.Equal(0x7FC0, bits));
        }
    }

    [Fact]
    public void Pool2_uses_the_managed_pool_only_where_it_applies_and_pays()
    {
        using var _ = no_grad();
        int calls = 0;
        Tensor Fallback(Tensor t) { calls++; return nn.functional.max_pool2d(t, 2); }
        void Check(Tensor x, bool managed)
        {
            foreach (var relu in new[] { false, true })
            {
                int before = calls;
                using var y = InferenceMaxPool.Pool2(x, Fallback, relu);
                using var pooled = nn.functional.max_pool2d(x, 2);
                using var expected = relu ? pooled.relu() : pooled.alias();
                Assert.Equal(Bytes(expected), Bytes(y));
                Assert.Equal(managed ? before : before + 1, calls);
            }
        }
        using var nchw = randn(32, 16, 48, 48); // 4.7 MB: large enough (randn: ReLU has negatives to clear)
        using var large = LayeredNetwork.ChannelsLast(nchw);
        int threads = get_num_threads();
        try
        {
            set_num_threads(2);
            Check(large, managed: true);
            set_num_threads(3); // more LibTorch threads than measured: LibTorch's pool
            Check(large, managed: false);
        }
        finally
        {
            set_num_threads(threads);
        }
        Check(nchw, managed: false); // not channels-last
        using var small = LayeredNetwork.ChannelsLast(rand(2, 16, 48, 48));
        Check(small, managed: false); // under ManagedFromBytes: LibTorch's two threads win there
        using var odd = LayeredNetwork.ChannelsLast(rand(32, 16, 48, 47));
        Check(odd, managed: false);
        using var doubles = LayeredNetwork.ChannelsLast(rand(32, 16, 48, 48, ScalarType.Float64));
        Check(doubles, managed: false);
        Assert.Throws<ArgumentException>(() => InferenceMaxPool.Pool(nchw));
    }

    [Fact]
    public void Autograd_inputs_go_to_libtorch_and_keep_their_gradient()
    {
        using var leaf = rand(32, 16, 48, 48).requires_grad_();
        using var x = LayeredNetwork.ChannelsLast(leaf);
        using var y = InferenceMaxPool.Pool2(x, t => nn.functional.max_pool2d(t, 2));
        using var sum = y.sum();
        sum.backward();
        using var grad = leaf.grad!;
        Assert.Equal(32 * 16 * 24 * 24, grad.sum().item<float>()); // one 1 per window
    }

    static byte[] Bytes(Tensor t)
    {
        using var contiguous = t.contiguous();
        return contiguous.bytes.ToArray();
    }
}
