using System.Security.Cryptography;
using MalariaLab.Data.Indexing;
using MalariaLab.Data.Prepare;
using MalariaLab.Data.Splitting;
using MalariaLab.Tests.Support;
using MalariaLab.Modelling.Augmentation;
using MalariaLab.Modelling.Training;
using MalariaLab.Foundation.Native;
using MalariaLab.Foundation.Specs;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Augmentation;

[Collection(LibTorchCollection.Name)]
public class AugmenterTests
{
    static readonly AugmentSpec Full = new("dihedral8", 0.1, 0.1, 0.1, 0.02, 0.1, 0.05);

    static Tensor Images(int n, int size, ulong seed) =>
        randint(0, 256, [n, size, size, 3], ScalarType.Byte, generator: new TorchSharp.torch.Generator(seed));

    static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void The_same_seed_epoch_and_row_give_the_same_image_and_another_epoch_another()
    {
        using var images = Images(100, 16, 7);
        long[] rows = [3, 14, 15, 92];
        var a = new Augmenter(Full, 42).Apply(images, rows, 1.0 / 255, 1);
        Assert.Equal(Values(a), Values(new Augmenter(Full, 42).Apply(images, rows, 1.0 / 255, 1)));
        Assert.NotEqual(Values(a), Values(new Augmenter(Full, 42).Apply(images, rows, 1.0 / 255, 2)));
        Assert.NotEqual(Values(a), Values(new Augmenter(Full, 43).Apply(images, rows, 1.0 / 255, 1)));
        Assert.True(a.min().item<float>() >= 0 && a.max().item<float>() <= 1); // clamped to the pixel range
        Assert.Equal(new long[] { 4, 3, 16, 16 }, a.shape);
        Assert.True(MalariaLab.Modelling.Models.LayeredNetwork.IsChannelsLast(a)); // like the plain batch: the convolutions' layout
    }

    [Fact]
    public void Off_by_default_so_the_seed_spec_trains_on_the_plain_batch()
    {
        var spec = SpecLoader.Parse("name: a\nseed: 1\n", "a.yaml");
        Assert.False(spec.Augment.Enabled);
        using var images = Images(4, 8, 1);
        using var data = TrainingDataOf(images);
        using var plain = TrainingData.ToModelInput(images, 1.0 / 255);
        Assert.Equal(Values(plain), Values(data.Batch([0, 1, 2, 3], new Augmenter(spec.Augment, 1), 1).Images));
    }

    [Fact]
    public void Draws_that_change_nothing_give_the_plain_input_bit_for_bit()
    {
        using var images = Images(1, 48, 5);
        var bytes = images.bytes.ToArray();
        var output = new float[bytes.Length];
        AugmentKernel.Image(bytes, output, 48, new ImageDraws(0, (1, 0, 0), 1, 1, 1, null), 1.0 / 255, new float[bytes.Length]);
        using var plain = TrainingData.ToModelInput(images, 1.0 / 255);
        Assert.Equal(Values(plain.permute(0, 2, 3, 1)), output);
    }

    [Fact]
    public void Each_transform_draws_from_its_own_word_in_its_range()
    {
        var full = new Augmenter(Full, 42);
        var noColour = new Augmenter(Full with { Brightness = 0, Contrast = 0, Saturation = 0, Hue = 0 }, 42);
        var draws = Enumerable.Range(0, 2000).Select(r => full.Draws(r, 1)).ToList();
        for (int r = 0; r < 50; r++)
        {
            var (a, b) = (full.Draws(r, 1), noColour.Draws(r, 1));
            Assert.Equal((a.Symmetry, a.Geometry), (b.Symmetry, b.Geometry)); // colour off: geometry draws as they were
            Assert.Null(b.Brightness);
        }
        Assert.Equal(Enumerable.Range(0, 8), draws.Select(d => d.Symmetry!.Value).Distinct().Order());
        Assert.All(draws, d =>
        {
            Assert.InRange(d.Geometry!.Value.Scale, 0.9, 1.1);
            Assert.InRange(d.Geometry!.Value.Dx, -0.05, 0.05);
            Assert.InRange(d.Brightness!.Value, 0.9, 1.1);
            Assert.InRange(d.HueRadians!.Value, -2 * Math.PI * 0.02, 2 * Math.PI * 0.02);
        });
        Assert.True(draws.Select(d => d.Brightness).Distinct().Count() == draws.Count); // not stuck
        Assert.NotEqual(draws[0], full.Draws(0, 2)); // a new epoch, new draws
    }

    [Fact]
    public void Bad_input_is_refused_naming_what()
    {
        using var images = Images(4, 8, 2);
        var augmenter = new Augmenter(Full, 42);
        Assert.Contains("row -1 is not one of the 4 images", Assert.Throws<ArgumentOutOfRangeException>(() => augmenter.Apply(images, [0, -1], 1.0 / 255, 1)).Message);
        Assert.Contains("row 4 is not one of the 4 images", Assert.Throws<ArgumentOutOfRangeException>(() => augmenter.Apply(images, [4], 1.0 / 255, 1)).Message);
        Assert.Contains("not contiguous", Assert.Throws<ArgumentException>(() => augmenter.Apply(images.transpose(1, 2), [0], 1.0 / 255, 1)).Message);
        Assert.Contains("uint8 images N x S x S x 3", Assert.Throws<ArgumentException>(() => augmenter.Apply(images.to_type(ScalarType.Float32), [0], 1.0 / 255, 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => augmenter.Apply(images, [0], double.NaN, 1));
        Assert.Throws<ArgumentException>(() => SymmetryMaps.SourceOffsets(8, "rot", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SymmetryMaps.SourceOffsets(8, "flips", 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => SymmetryMaps.SourceOffsets(8, "dihedral8", -1));
        Assert.Throws<ArgumentException>(() => AugmentKernel.Image(new byte[192], new float[191], 8, augmenter.Draws(0, 1), 1, new float[192]));
    }

    /// <summary>The hue turn against the published NTSC YIQ → RGB matrix (rounded to 3 decimals, hence the tolerance),
    /// with (I, Q) turned counter-clockwise: a flipped sine or a wrong chroma row is off by 0.1 or more.</summary>
    [Theory]
    [InlineData(0.3)]
    [InlineData(-0.6)]
    [InlineData(2.0)]
    public void The_hue_turn_is_the_published_YIQ_rotation(double radians)
    {
        double[,] toYiq = { { 0.299, 0.587, 0.114 }, { 0.596, -0.274, -0.322 }, { 0.211, -0.523, 0.312 } };
        double[,] toRgb = { { 1, 0.956, 0.621 }, { 1, -0.272, -0.647 }, { 1, -1.106, 1.703 } };
        double[,] turn = { { 1, 0, 0 }, { 0, Math.Cos(radians), -Math.Sin(radians) }, { 0, Math.Sin(radians), Math.Cos(radians) } };
        var actual = ColourMap.HueMatrix(radians);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double expected = 0;
                for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) expected += toRgb[i, a] * turn[a, b] * toYiq[b, j];
                Assert.True(Math.Abs(actual[i, j] - expected) < 5e-3, $"θ {radians}: entry ({i}, {j}) is {actual[i, j]:F4}, the published matrices give {expected:F4}");
            }
    }

    [Fact]
    public void Sine_and_cosine_are_the_platform_s_to_the_last_bits_or_two()
    {
        for (double x = -Math.PI; x <= Math.PI; x += 0.001)
        {
            var (sin, cos) = ColourMap.SinCos(x);
            Assert.True(Math.Abs(sin - Math.Sin(x)) <= 2e-15 && Math.Abs(cos - Math.Cos(x)) <= 2e-15, $"x {x}: {sin} {cos} against {Math.Sin(x)} {Math.Cos(x)}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => ColourMap.SinCos(4));
    }

    public static TheoryData<string> Specs => new()
    {
        "dihedral8 0.1 0.1 0.1 0.02 0.05 0.05",   // the shipped recipe
        "dihedral8 0.1 0.1 0.1 0.02 0.1 0.05",
        "none 0 0.3 0 0 0 0",                     // contrast alone
        "none 0.2 0 0.2 0.05 0 0",
        "none 0 0 0 0 0.3 0",                     // zoom alone
        "none 0 0 0 0 0 0.3",                     // shift alone
        "dihedral8 0 0 0 0 0 0",
        "dihedral8 0.1 0.3 0.1 0.02 0 0",          // symmetries and colour, no geometry
    };

    /// <summary>The managed kernel against LibTorch doing the same transforms one at a time on floats (its grid_sample,
    /// rot90, reductions and matmul): equal up to float rounding (the kernel folds the colour chain into one map and
    /// works out sample positions in double; LibTorch's float positions drift with the side: up to 6e-6 of the pixel
    /// range at 48 px, 2.3e-5 at 192). A half-pixel slip or a transform out of order is off by far more.</summary>
    [Theory]
    [MemberData(nameof(Specs))]
    public void Each_image_is_what_LibTorch_makes_of_it_one_transform_at_a_time(string settings)
    {
        var v = settings.Split(' ');
        double D(int i) => double.Parse(v[i], System.Globalization.CultureInfo.InvariantCulture);
        var spec = new AugmentSpec(v[0], D(1), D(2), D(3), D(4), D(5), D(6));
        foreach (var (n, size, scale) in new[] { (8, 48, 1.0 / 255), (16, 48, 1.0), (5, 17, 1.0 / 255), (2, 192, 1.0 / 255) })
        {
            using var scope = NewDisposeScope();
            var images = Images(n, size, (ulong)(n + size));
            var rows = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
            var augmenter = new Augmenter(spec, 42);
            for (int epoch = 1; epoch <= 3; epoch++)
            {
                var actual = Values(augmenter.Apply(images, rows, scale, epoch));
                var expected = Values(stack([.. rows.Select(r => Reference(images[r], augmenter.Draws(r, epoch), scale))]));
                double worst = actual.Zip(expected).Max(p => Math.Abs(p.First - p.Second));
                Assert.True(worst <= 1e-4 * 255 * scale, $"{settings}, {n} x {size}, epoch {epoch}: off by up to {worst} (pixel range {255 * scale})");
            }
        }
    }

    static Tensor Reference(Tensor hwc, ImageDraws d, double scale)
    {
        var x = TrainingData.ToModelInput(hwc.unsqueeze(0), scale)[0];
        if (d.Symmetry is int k) x = ImageTransforms.Dihedral(x, k);
        if (d.Geometry is var (zoom, dx, dy)) x = TorchTransforms.ScaleShift(x, zoom, dx, dy);
        if (d.Brightness is double b) x = TorchTransforms.Brightness(x, b);
        if (d.Contrast is double c) x = TorchTransforms.Contrast(x, c);
        if (d.Saturation is double s) x = TorchTransforms.Saturation(x, s);
        if (d.HueRadians is double h) x = TorchTransforms.Hue(x, h);
        return x.clamp(0, 255 * scale);
    }

    /// <summary>Plain float arithmetic in a fixed order: the augmented batch has these bits on every CPU (both CI suites,
    /// AVX2 and AVX-512, check the same digest) and at any thread count.</summary>
    [Fact]
    public void The_augmented_bits_are_the_same_on_every_cpu()
    {
        var pixels = Enumerable.Range(0, 16 * 48 * 48 * 3).Select(i => (byte)(i * 7919 % 251)).ToArray();
        using var images = tensor(pixels, [16, 48, 48, 3], ScalarType.Byte);
        using var batch = new Augmenter(Full, 42).Apply(images, [.. Enumerable.Range(0, 16).Select(i => (long)i)], 1.0 / 255, 3);
        Assert.Equal("a55a5b8555500a2f2a32a291c249cb85d37596554eb5d513dc1bd5a9e1e4e66d", Convert.ToHexStringLower(SHA256.HashData(batch.contiguous().bytes)));
    }

    static TrainingData TrainingDataOf(Tensor images)
    {
        var index = Enumerable.Range(0, (int)images.shape[0]).Select(i => new IndexRow($"{i}.png", "c", Labels.Uninfected, "p", 8, 8, "", "")).ToList();
        var split = index.Select(r => new SplitRow(r.Path, r.Label, r.Patient, Subsets.Train)).ToList();
        return new TrainingData(new PreparedImages(index.Count, (int)images.shape[1], images.bytes.ToArray()), index, split, 1.0 / 255);
    }
}
