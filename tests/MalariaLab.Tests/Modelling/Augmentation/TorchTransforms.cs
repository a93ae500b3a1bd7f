using MalariaLab.Foundation.Native;
using MalariaLab.Modelling.Augmentation;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Augmentation;

/// <summary>The oracle for <see cref="AugmentKernel"/>: each augmentation as LibTorch ops on a float image C x H x W
/// (RGB), one transform at a time, exactly the formula its doc gives (ImageTransformTests check them by hand on small
/// images; grid_sample is LibTorch's own).</summary>
public static class TorchTransforms
{
    /// <summary>Brightness: x · f.</summary>
    public static Tensor Brightness(Tensor chw, double factor) => chw.Times(factor);

    /// <summary>Luma (ITU-R 601): 0.299 R + 0.587 G + 0.114 B, as 1 x H x W.</summary>
    public static Tensor Grey(Tensor chw) => chw[0].Times(0.299).Plus(chw[1].Times(0.587)).Plus(chw[2].Times(0.114)).unsqueeze(0);

    /// <summary>Contrast: m + (x − m) · f, m the mean luma of the image.</summary>
    public static Tensor Contrast(Tensor chw, double factor)
    {
        var mean = Grey(chw).mean();
        return chw.Minus(mean).Times(factor).Plus(mean);
    }

    /// <summary>Saturation: g + (x − g) · f, g each pixel's luma.</summary>
    public static Tensor Saturation(Tensor chw, double factor)
    {
        var grey = Grey(chw);
        return chw.Minus(grey).Times(factor).Plus(grey);
    }

    /// <summary>Hue: RGB → YIQ, the (I, Q) chroma turned by θ radians, back to RGB: one 3 x 3 matrix per pixel.</summary>
    public static Tensor Hue(Tensor chw, double radians)
    {
        var matrix = tensor(HueMatrix(radians), [3, 3]);
        long c = chw.shape[0], h = chw.shape[1], w = chw.shape[2];
        return matrix.matmul(chw.reshape(c, h * w)).reshape(c, h, w);
    }

    /// <summary><see cref="ColourMap.HueMatrix"/> as floats, row-major 3 x 3.</summary>
    static float[] HueMatrix(double radians)
    {
        var m = ColourMap.HueMatrix(radians);
        return [.. Enumerable.Range(0, 9).Select(i => (float)m[i / 3, i % 3])];
    }

    /// <summary>Zoom by (1 + s) about the centre and shift by (dx, dy) sides, bilinear, zero (black) outside.</summary>
    public static Tensor ScaleShift(Tensor chw, double scale, double dx, double dy)
    {
        // affine_grid maps output to input coordinates in [-1, 1]: zoom in = sample a smaller area; a shift of d sides is 2d.
        var theta = tensor(Theta(scale, dx, dy), [1, 2, 3]);
        var grid = nn.functional.affine_grid(theta, [1, chw.shape[0], chw.shape[1], chw.shape[2]], align_corners: false);
        return nn.functional.grid_sample(chw.unsqueeze(0), grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false).squeeze(0);
    }

    /// <summary>affine_grid's 2 x 3 matrix for <see cref="ScaleShift"/>, row-major.</summary>
    public static float[] Theta(double scale, double dx, double dy) =>
        [(float)(1 / scale), 0, (float)(-2 * dx / scale), 0, (float)(1 / scale), (float)(-2 * dy / scale)];
}
