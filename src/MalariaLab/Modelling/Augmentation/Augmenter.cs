using MalariaLab.Foundation.Native;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Augmentation;

/// <summary>One image's transform parameters for one epoch; null where the spec leaves that transform off.</summary>
public sealed record ImageDraws(int? Symmetry, (double Scale, double Dx, double Dy)? Geometry,
    double? Brightness, double? Contrast, double? Saturation, double? HueRadians);

/// <summary>Augments a training batch (the model input, N x 3 x S x S floats), each image's draws taken from the seed
/// for (epoch, image row) so a run is repeatable and an image gets new transforms every epoch. Geometry first
/// (symmetry, zoom and shift), then colour (brightness, contrast, saturation, hue), then clamped to the pixel range.
/// The whole batch goes through each transform at once (a few dozen native calls per batch instead of per image);
/// every image comes out bit-equal to <see cref="ImageTransforms"/> applied to it alone with its
/// <see cref="Draws"/> (a test holds this).</summary>
public sealed class Augmenter(AugmentSpec spec, long seed, double pixelMax)
{
    public bool Enabled => spec.Enabled;

    /// <summary>A uniform draw in [0, 1) for (what, epoch, row).</summary>
    double U(string what, int epoch, long row) =>
        (SeedSource.Draw(seed, $"augment/{what}/epoch{epoch}", row.ToString(System.Globalization.CultureInfo.InvariantCulture)) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [-range, range].</summary>
    double Symmetric(string what, int epoch, long row, double range) => range * (2 * U(what, epoch, row) - 1);

    /// <summary>The transforms drawn for image <paramref name="row"/> in <paramref name="epoch"/>.</summary>
    public ImageDraws Draws(long row, int epoch) => new(
        spec.Flips == "dihedral8" ? (int)(U("flips", epoch, row) * 8) : null,
        spec.Scale > 0 || spec.Shift > 0
            ? (1 + Symmetric("scale", epoch, row, spec.Scale), Symmetric("dx", epoch, row, spec.Shift), Symmetric("dy", epoch, row, spec.Shift))
            : null,
        spec.Brightness > 0 ? 1 + Symmetric("brightness", epoch, row, spec.Brightness) : null,
        spec.Contrast > 0 ? 1 + Symmetric("contrast", epoch, row, spec.Contrast) : null,
        spec.Saturation > 0 ? 1 + Symmetric("saturation", epoch, row, spec.Saturation) : null,
        spec.Hue > 0 ? 2 * Math.PI * Symmetric("hue", epoch, row, spec.Hue) : null);

    public Tensor Apply(Tensor batch, long[] rows, int epoch)
    {
        if (!Enabled || rows.Length == 0) return batch;
        var draws = rows.Select(r => Draws(r, epoch)).ToArray();
        var first = draws[0];
        // Without zoom and shift, each symmetry's view keeps its own memory order into the contrast's mean, which a
        // batch (one layout) cannot reproduce bit for bit: such specs go image by image, as before batching.
        if (first.Symmetry is not null && first.Geometry is null && first.Contrast is not null) return ImageByImage(batch, draws);
        var x = batch;
        if (first.Symmetry is not null) x = BatchTransforms.Dihedral(x, [.. draws.Select(d => d.Symmetry!.Value)]);
        if (first.Geometry is not null)
            x = BatchTransforms.ScaleShift(x, [.. draws.Select(d => d.Geometry!.Value.Scale)],
                [.. draws.Select(d => d.Geometry!.Value.Dx)], [.. draws.Select(d => d.Geometry!.Value.Dy)]);
        if (first.Brightness is not null) x = BatchTransforms.Brightness(x, [.. draws.Select(d => d.Brightness!.Value)]);
        if (first.Contrast is not null) x = BatchTransforms.Contrast(x, [.. draws.Select(d => d.Contrast!.Value)]);
        if (first.Saturation is not null) x = BatchTransforms.Saturation(x, [.. draws.Select(d => d.Saturation!.Value)]);
        if (first.HueRadians is not null) x = BatchTransforms.Hue(x, [.. draws.Select(d => d.HueRadians!.Value)]);
        return x.ClampZeroTo(pixelMax);
    }

    /// <summary>Each image through <see cref="ImageTransforms"/> alone, with its <see cref="Draws"/>: the augmentation
    /// as first written, which <see cref="Apply"/> reproduces bit for bit (the tests' reference).</summary>
    public Tensor ApplyImageByImage(Tensor batch, long[] rows, int epoch) =>
        ImageByImage(batch, [.. rows.Select(r => Draws(r, epoch))]);

    Tensor ImageByImage(Tensor batch, ImageDraws[] draws) =>
        stack([.. draws.Select((d, i) =>
        {
            var x = batch[i];
            if (d.Symmetry is int k) x = ImageTransforms.Dihedral(x, k);
            if (d.Geometry is var (scale, dx, dy)) x = ImageTransforms.ScaleShift(x, scale, dx, dy);
            if (d.Brightness is double b) x = ImageTransforms.Brightness(x, b);
            if (d.Contrast is double c) x = ImageTransforms.Contrast(x, c);
            if (d.Saturation is double s) x = ImageTransforms.Saturation(x, s);
            if (d.HueRadians is double h) x = ImageTransforms.Hue(x, h);
            return x.ClampZeroTo(pixelMax);
        })]);
}
