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
}
