using MalariaLab.Tests.Support;
using MalariaLab.Modelling.Augmentation;
using MalariaLab.Foundation.Specs;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Augmentation;

[Collection(LibTorchCollection.Name)]
public class AugmenterTests
{
    static readonly AugmentSpec Full = new("dihedral8", 0.1, 0.1, 0.1, 0.02, 0.1, 0.05);

    [Fact]
    public void The_same_seed_epoch_and_row_give_the_same_image_and_another_epoch_another()
    {
        var batch = rand(4, 3, 16, 16, generator: new TorchSharp.torch.Generator(7));
        long[] rows = [3, 14, 15, 92];
        var a = new Augmenter(Full, 42, 1).Apply(batch, rows, 1);
        var b = new Augmenter(Full, 42, 1).Apply(batch, rows, 1);
        Assert.True(a.allclose(b, 0, 0));
        Assert.False(a.allclose(new Augmenter(Full, 42, 1).Apply(batch, rows, 2), 0, 0));
        Assert.False(a.allclose(new Augmenter(Full, 43, 1).Apply(batch, rows, 1), 0, 0));
        Assert.True(a.min().item<float>() >= 0 && a.max().item<float>() <= 1); // clamped to the pixel range
        Assert.Equal(batch.shape, a.shape);
    }

    [Fact]
    public void Off_by_default_so_the_seed_spec_is_unchanged()
    {
        var spec = SpecLoader.Parse("name: a\nseed: 1\n", "a.yaml");
        Assert.False(spec.Augment.Enabled);
        var batch = rand(2, 3, 8, 8);
        Assert.Same(batch, new Augmenter(spec.Augment, 1, 1).Apply(batch, [0, 1], 1));
    }

    public static TheoryData<string> Specs => new()
    {
        "dihedral8 0.1 0.1 0.1 0.02 0.05 0.05",   // the shipped recipe
        "dihedral8 0.1 0.1 0.1 0.02 0.1 0.05",
        "none 0 0.3 0 0 0 0",                     // contrast alone
        "none 0.2 0 0.2 0.05 0 0",
        "none 0 0 0 0 0.1 0",
        "dihedral8 0 0 0 0 0 0",
        "dihedral8 0.1 0.3 0.1 0.02 0 0",          // symmetries and colour, no geometry
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void The_batch_at_once_is_bit_equal_to_image_by_image(string settings)
    {
        var v = settings.Split(' ');
        double D(int i) => double.Parse(v[i], System.Globalization.CultureInfo.InvariantCulture);
        var spec = new AugmentSpec(v[0], D(1), D(2), D(3), D(4), D(5), D(6));
        foreach (var (n, size, pixelMax) in new[] { (8, 48, 255.0), (64, 48, 1.0), (5, 17, 1.0), (3, 192, 1.0) })
        {
            // Channels-last, as TrainingData hands batches to the augmenter.
            var batch = (rand(n, size, size, 3, generator: new TorchSharp.torch.Generator((ulong)n)) * pixelMax).permute(0, 3, 1, 2);
            var rows = Enumerable.Range(0, n).Select(i => (long)(7 * i + 3)).ToArray();
            var augmenter = new Augmenter(spec, 42, pixelMax);
            for (int epoch = 1; epoch <= 3; epoch++)
            {
                var batched = augmenter.Apply(batch, rows, epoch).contiguous().data<float>().ToArray();
                var single = augmenter.ApplyImageByImage(batch, rows, epoch).contiguous().data<float>().ToArray();
                Assert.True(batched.AsSpan().SequenceEqual(single),
                    $"{settings}, {n} x {size}, epoch {epoch}: {batched.Zip(single).Count(p => p.First != p.Second)} of {single.Length} values differ");
            }
        }
    }
}
