using System.Runtime.InteropServices;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Augmentation;

/// <summary>One image's transform parameters for one epoch; null where the spec leaves that transform off.</summary>
public sealed record ImageDraws(int? Symmetry, (double Scale, double Dx, double Dy)? Geometry,
    double? Brightness, double? Contrast, double? Saturation, double? HueRadians);

/// <summary>Augments a training batch straight from its uint8 images into the model input, each image's draws taken
/// from the seed for (epoch, image row) so a run is repeatable and an image gets new transforms every epoch. Geometry
/// first (symmetry, zoom and shift), then colour (brightness, contrast, saturation, hue), then clamped to the pixel
/// range: <see cref="AugmentKernel"/>, image by image in managed code, the same bits on every CPU.</summary>
public sealed class Augmenter(AugmentSpec spec, long seed)
{
    public bool Enabled => spec.Enabled;

    /// <summary>The transforms drawn for image <paramref name="row"/> in <paramref name="epoch"/>: one SHA-256 of (seed,
    /// epoch, row), each transform from its own 32-bit word of it (so turning one transform on or off leaves the others'
    /// draws as they were).</summary>
    public ImageDraws Draws(long row, int epoch)
    {
        Span<uint> words = stackalloc uint[8];
        SeedSource.Words(seed, $"augment/epoch{epoch}", row.ToString(System.Globalization.CultureInfo.InvariantCulture), words);
        var u = new double[8];
        for (int i = 0; i < 8; i++) u[i] = words[i] * (1.0 / 4294967296.0); // uniform in [0, 1)
        double Symmetric(int word, double range) => range * (2 * u[word] - 1); // uniform in [-range, range)
        return new(
            spec.Flips == "dihedral8" ? (int)(u[0] * 8) : null,
            spec.Scale > 0 || spec.Shift > 0 ? (1 + Symmetric(1, spec.Scale), Symmetric(2, spec.Shift), Symmetric(3, spec.Shift)) : null,
            spec.Brightness > 0 ? 1 + Symmetric(4, spec.Brightness) : null,
            spec.Contrast > 0 ? 1 + Symmetric(5, spec.Contrast) : null,
            spec.Saturation > 0 ? 1 + Symmetric(6, spec.Saturation) : null,
            spec.Hue > 0 ? 2 * Math.PI * Symmetric(7, spec.Hue) : null);
    }

    /// <summary>The model input for <paramref name="rows"/> of <paramref name="uint8Nhwc"/> (the data set's images,
    /// N x S x S x 3): augmented float pixels times <paramref name="scale"/>, N x 3 x S x S as a channels-last view, like
    /// the plain batch.</summary>
    public Tensor Apply(Tensor uint8Nhwc, long[] rows, double scale, int epoch)
    {
        if (uint8Nhwc.dtype != ScalarType.Byte || uint8Nhwc.dim() != 4 || uint8Nhwc.shape[3] != 3 || uint8Nhwc.shape[1] != uint8Nhwc.shape[2] || !uint8Nhwc.is_contiguous())
            throw new ArgumentException($"augmentation takes contiguous uint8 images N x S x S x 3, got {uint8Nhwc.dtype} [{string.Join(", ", uint8Nhwc.shape)}]{(uint8Nhwc.is_contiguous() ? "" : ", not contiguous")}");
        if (!(scale > 0 && double.IsFinite(scale))) throw new ArgumentOutOfRangeException(nameof(scale), scale, "the pixel scale is a positive number");
        // LibTorch's select would wrap a negative row to the end: refuse it, as the plain batch's index_select does.
        foreach (long row in rows)
            if (row < 0 || row >= uint8Nhwc.shape[0]) throw new ArgumentOutOfRangeException(nameof(rows), row, $"row {row} is not one of the {uint8Nhwc.shape[0]} images");
        int size = (int)uint8Nhwc.shape[1], values = size * size * 3;
        var output = empty([rows.Length, size, size, 3], ScalarType.Float32);
        var target = MemoryMarshal.Cast<byte, float>(output.bytes);
        var warped = new float[values];
        for (int i = 0; i < rows.Length; i++)
        {
            // One image's bytes at a time (a view, no copy): the data set may pass 2 GB, a span may not.
            using var image = uint8Nhwc[rows[i]];
            AugmentKernel.Image(image.bytes, target.Slice(i * values, values), size, Draws(rows[i], epoch), scale, warped);
        }
        return output.permute(0, 3, 1, 2);
    }
}
