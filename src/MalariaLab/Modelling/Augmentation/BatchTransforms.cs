using MalariaLab.Foundation.Native;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Augmentation;

/// <summary><see cref="ImageTransforms"/> on a whole batch N x C x H x W, one parameter per image. Each gives every
/// image bit for bit what the per-image transform gives it (a test holds this), so batching changes no weights.</summary>
public static class BatchTransforms
{
    /// <summary>Symmetry k[i] of image i (see <see cref="ImageTransforms.Dihedral"/>) as one gather: each output pixel
    /// is a copy of the input pixel the symmetry moves there, so the values are the same bits whatever the order.</summary>
    public static Tensor Dihedral(Tensor nchw, int[] k)
    {
        long n = nchw.shape[0], c = nchw.shape[1], h = nchw.shape[2], w = nchw.shape[3];
        if (h != w) throw new ArgumentException($"symmetries need square images, got {h} x {w}");
        using var which = tensor(k.Select(ki => (long)ki).ToArray());
        var gather = SourcePixels(h, w).index_select(0, which).unsqueeze(1).expand(n, c, h * w);
        return nchw.reshape(n, c, h * w).gather(2, gather).reshape(n, c, h, w);
    }

    static readonly System.Collections.Concurrent.ConcurrentDictionary<(long H, long W), Tensor> Sources = new();

    /// <summary>For each symmetry k of an h x w image, row k: the flat index of the source pixel of each output pixel
    /// (the symmetry applied to the image of pixel indices; square images only: symmetries 1, 3, 4 and 6
    /// swap height and width). Made once per size and kept for the process (8 x h x w longs: 147 kB at 48 px).</summary>
    static Tensor SourcePixels(long h, long w) => Sources.GetOrAdd((h, w), key =>
    {
        using var scope = NewDisposeScope();
        var pixels = tensor(Enumerable.Range(0, (int)(key.H * key.W)).Select(i => (long)i).ToArray(), [1, key.H, key.W]);
        return stack([.. Enumerable.Range(0, 8).Select(s => ImageTransforms.Dihedral(pixels, s).reshape(-1))]).DetachFromDisposeScope();
    });

    /// <summary>Brightness: x · f[i].</summary>
    public static Tensor Brightness(Tensor nchw, double[] factor) => nchw.mul(PerImage(factor));

    /// <summary>Luma (ITU-R 601) of each pixel, as N x 1 x H x W.</summary>
    public static Tensor Grey(Tensor nchw) => nchw[.., 0].Times(0.299).Plus(nchw[.., 1].Times(0.587)).Plus(nchw[.., 2].Times(0.114)).unsqueeze(1);

    /// <summary>Contrast: m + (x − m) · f[i], m image i's mean luma, with the bits of the per-image transform's full
    /// reduction. Under 32,768 values (LibTorch's grain) a full reduction sums serially, as one batched reduction sums
    /// each image's row (on one thread, whichever): the batch's means in one call. From 32,768 (182 px) a full
    /// reduction is split across threads, so the means are taken image by image.</summary>
    public static Tensor Contrast(Tensor nchw, double[] factor)
    {
        var grey = Grey(nchw);
        long pixels = grey.shape[2] * grey.shape[3];
        var mean = pixels < ReductionGrain
            ? grey.reshape(factor.Length, pixels).mean([1]).reshape(-1, 1, 1, 1)
            : stack([.. Enumerable.Range(0, factor.Length).Select(i => grey[i].mean())]).reshape(-1, 1, 1, 1);
        return nchw.Minus(mean).mul(PerImage(factor)).Plus(mean);
    }

    /// <summary>at::internal::GRAIN_SIZE: below it LibTorch reduces serially.</summary>
    const long ReductionGrain = 32_768;

    /// <summary>Saturation: g + (x − g) · f[i], g each pixel's luma.</summary>
    public static Tensor Saturation(Tensor nchw, double[] factor)
    {
        var grey = Grey(nchw);
        return nchw.Minus(grey).mul(PerImage(factor)).Plus(grey);
    }

    /// <summary>Hue: each image's 3 x 3 YIQ turn (<see cref="ImageTransforms.HueMatrix"/>) times its pixels.</summary>
    public static Tensor Hue(Tensor nchw, double[] radians)
    {
        long n = nchw.shape[0], c = nchw.shape[1], h = nchw.shape[2], w = nchw.shape[3];
        var matrices = tensor(radians.SelectMany(ImageTransforms.HueMatrix).ToArray(), [n, 3, 3]);
        return matrices.matmul(nchw.reshape(n, c, h * w)).reshape(n, c, h, w);
    }

    /// <summary>Zoom by scale[i] about the centre and shift by (dx[i], dy[i]) sides, bilinear, zero outside: one
    /// sampling grid per image (see <see cref="ImageTransforms.ScaleShift"/>), one grid_sample for the batch.</summary>
    public static Tensor ScaleShift(Tensor nchw, double[] scale, double[] dx, double[] dy)
    {
        var theta = tensor(scale.SelectMany((s, i) => ImageTransforms.Theta(s, dx[i], dy[i])).ToArray(), [scale.Length, 2, 3]);
        var grid = nn.functional.affine_grid(theta, [.. nchw.shape], align_corners: false);
        return nn.functional.grid_sample(nchw, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
    }

    /// <summary>One float factor per image, shaped to broadcast over N x C x H x W.</summary>
    static Tensor PerImage(double[] factor) => tensor(factor.Select(f => (float)f).ToArray(), [factor.Length, 1, 1, 1]);
}
