using MalariaLab.Foundation.Native;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Augmentation;

/// <summary>The augmentations, one function each on a float image C x H x W (RGB), each exactly the formula its doc
/// gives (tests compare them with the transform computed by hand on small images).</summary>
public static class ImageTransforms
{
    /// <summary>Symmetry k of the square (0..7): transpose when k ≥ 4, then k mod 4 quarter turns (rot90 over H, W, the
    /// last two dimensions, so one image C x H x W and a batch N x C x H x W alike). k = 0 is the identity; 1..3 the
    /// rotations; 4..7 the reflections.</summary>
    public static Tensor Dihedral(Tensor image, int k)
    {
        var x = k >= 4 ? image.transpose(-2, -1) : image;
        return (k & 3) == 0 ? x : x.rot90(k & 3, (-2, -1));
    }

    /// <summary>The horizontal, vertical and both flips with the identity: k = 0..3 (test-time augmentation "flips"),
    /// over the last two dimensions.</summary>
    public static Tensor Flip(Tensor image, int k) => k switch
    {
        0 => image,
        1 => image.flip(-1),
        2 => image.flip(-2),
        _ => image.flip(-2, -1),
    };

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

    /// <summary>RGB → YIQ (NTSC), the rotation of (I, Q), and back; row-major 3 x 3.</summary>
    public static float[] HueMatrix(double radians)
    {
        double[,] toYiq = { { 0.299, 0.587, 0.114 }, { 0.596, -0.274, -0.322 }, { 0.211, -0.523, 0.312 } };
        double[,] toRgb = Invert(toYiq);
        double cos = Math.Cos(radians), sin = Math.Sin(radians);
        double[,] turn = { { 1, 0, 0 }, { 0, cos, -sin }, { 0, sin, cos } };
        var m = Multiply(toRgb, Multiply(turn, toYiq));
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

    static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = new double[3, 3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) m[i, j] += a[i, k] * b[k, j];
        return m;
    }

    static double[,] Invert(double[,] a)
    {
        double det = a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]) - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0]) + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);
        var m = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                int r1 = (j + 1) % 3, r2 = (j + 2) % 3, c1 = (i + 1) % 3, c2 = (i + 2) % 3;
                m[i, j] = (a[r1, c1] * a[r2, c2] - a[r1, c2] * a[r2, c1]) / det;
            }
        return m;
    }
}
