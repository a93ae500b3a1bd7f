using MalariaLab.Tests.Support;
using MalariaLab.Modelling.Augmentation;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Augmentation;

/// <summary>Each augmentation against the transform computed by hand on a small image.</summary>
[Collection(LibTorchCollection.Name)]
public class ImageTransformTests
{
    // A 3 x 2 x 3 image (C x H x W): channel c, row y, column x holds 100c + 10y + x.
    static Tensor Image() => tensor(Enumerable.Range(0, 18).Select(i => (float)(100 * (i / 6) + 10 * (i / 3 % 2) + i % 3)).ToArray(), [3, 2, 3]);

    static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void The_eight_symmetries_move_pixels_as_drawn_by_hand()
    {
        // Channel 0 of the image is [[0, 1, 2], [10, 11, 12]].
        Assert.Equal(new float[] { 0, 1, 2, 10, 11, 12 }, Values(ImageTransforms.Dihedral(Image(), 0)[0]));
        Assert.Equal(new float[] { 2, 12, 1, 11, 0, 10 }, Values(ImageTransforms.Dihedral(Image(), 1)[0]));       // quarter turn counter-clockwise
        Assert.Equal(new float[] { 12, 11, 10, 2, 1, 0 }, Values(ImageTransforms.Dihedral(Image(), 2)[0]));       // half turn
        Assert.Equal(new float[] { 10, 0, 11, 1, 12, 2 }, Values(ImageTransforms.Dihedral(Image(), 3)[0]));       // quarter turn clockwise
        Assert.Equal(new float[] { 0, 10, 1, 11, 2, 12 }, Values(ImageTransforms.Dihedral(Image(), 4)[0]));       // transpose
        var all = Enumerable.Range(0, 8).Select(k => string.Join(",", Values(ImageTransforms.Dihedral(Image(), k)))).ToList();
        Assert.Equal(8, all.Distinct().Count()); // eight different images
        Assert.All(Enumerable.Range(0, 8), k => Assert.Equal(Values(Image()).Order(), Values(ImageTransforms.Dihedral(Image(), k)).Order())); // same pixels
    }

    [Fact]
    public void Flips_for_test_time_augmentation()
    {
        Assert.Equal(new float[] { 2, 1, 0, 12, 11, 10 }, Values(ImageTransforms.Flip(Image(), 1)[0]));
        Assert.Equal(new float[] { 10, 11, 12, 0, 1, 2 }, Values(ImageTransforms.Flip(Image(), 2)[0]));
        Assert.Equal(new float[] { 12, 11, 10, 2, 1, 0 }, Values(ImageTransforms.Flip(Image(), 3)[0]));
    }

    [Fact]
    public void Colour_jitter_is_its_formula()
    {
        var x = tensor(new float[] { 0.2f, 0.4f, 0.6f, 0.8f, 0.1f, 0.3f }, [3, 1, 2]); // two pixels: (0.2, 0.6, 0.1) and (0.4, 0.8, 0.3)
        Assert.Equal(new[] { 0.3f, 0.6f, 0.9f, 1.2f, 0.15f, 0.45f }, Values(TorchTransforms.Brightness(x, 1.5)), new FloatTolerance(1e-6f));
        double g1 = 0.299 * 0.2 + 0.587 * 0.6 + 0.114 * 0.1, g2 = 0.299 * 0.4 + 0.587 * 0.8 + 0.114 * 0.3, m = (g1 + g2) / 2;
        float[] contrast = [.. new[] { 0.2, 0.4, 0.6, 0.8, 0.1, 0.3 }.Select(v => (float)(m + (v - m) * 0.5))];
        Assert.Equal(contrast, Values(TorchTransforms.Contrast(x, 0.5)), new FloatTolerance(1e-6f));
        float[] saturation = [(float)(g1 + (0.2 - g1) * 2), (float)(g2 + (0.4 - g2) * 2), (float)(g1 + (0.6 - g1) * 2), (float)(g2 + (0.8 - g2) * 2), (float)(g1 + (0.1 - g1) * 2), (float)(g2 + (0.3 - g2) * 2)];
        Assert.Equal(saturation, Values(TorchTransforms.Saturation(x, 2)), new FloatTolerance(1e-6f));
        Assert.Equal(Values(x), Values(TorchTransforms.Hue(x, 0)), new FloatTolerance(1e-5f)); // no turn: no change
        Assert.Equal(Values(x), Values(TorchTransforms.Hue(TorchTransforms.Hue(x, 0.3), -0.3)), new FloatTolerance(1e-5f));
        // A grey pixel has no chroma: any turn keeps it grey.
        Assert.Equal(new[] { 0.5f, 0.5f, 0.5f }, Values(TorchTransforms.Hue(tensor(new float[] { 0.5f, 0.5f, 0.5f }, [3, 1, 1]), 1.0)), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void Hue_turned_half_way_reflects_each_pixel_through_its_grey()
    {
        // Turning the (I, Q) chroma by 180 degrees negates it and keeps Y: since the I and Q rows of the NTSC matrix sum
        // to 0 and the Y row to 1, grey (Y, Y, Y) has no chroma and the result is 2·Y − pixel, Y = 0.299 R + 0.587 G + 0.114 B.
        var x = tensor(new float[] { 0.2f, 0.4f, 0.6f, 0.8f, 0.1f, 0.3f }, [3, 1, 2]); // pixels (0.2, 0.6, 0.1) and (0.4, 0.8, 0.3)
        double y1 = 0.299 * 0.2 + 0.587 * 0.6 + 0.114 * 0.1, y2 = 0.299 * 0.4 + 0.587 * 0.8 + 0.114 * 0.3; // 0.4234, 0.6232
        float[] expected = [(float)(2 * y1 - 0.2), (float)(2 * y2 - 0.4), (float)(2 * y1 - 0.6), (float)(2 * y2 - 0.8), (float)(2 * y1 - 0.1), (float)(2 * y2 - 0.3)];
        Assert.Equal(expected, Values(TorchTransforms.Hue(x, Math.PI)), new FloatTolerance(1e-5f));
        Assert.Equal(0.6468f, Values(TorchTransforms.Hue(x, Math.PI))[0], 4);
    }

    [Fact]
    public void Zoom_and_shift_sample_where_expected()
    {
        var x = tensor(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), [1, 4, 4]);
        Assert.Equal(Values(x), Values(TorchTransforms.ScaleShift(x, 1, 0, 0)), new FloatTolerance(1e-5f)); // identity
        // A shift by a quarter of the side moves every pixel one column right (zeros come in on the left).
        Assert.Equal(new float[] { 0, 0, 1, 2, 0, 4, 5, 6, 0, 8, 9, 10, 0, 12, 13, 14 }, Values(TorchTransforms.ScaleShift(x, 1, 0.25, 0)), new FloatTolerance(1e-5f));
        // Zoom x2 about the centre: output pixel (0, 0) samples input (0.75, 0.75) → bilinear 0.25·(0·... ) = 3.75.
        Assert.Equal(3.75f, Values(TorchTransforms.ScaleShift(x, 2, 0, 0))[0], 4);
    }

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float f) => 0;
    }
}
