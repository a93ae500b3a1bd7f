using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Augmentation;

/// <summary>Augments a training batch (the model input, N x 3 x S x S floats) image by image, each draw taken from
/// the seed for (epoch, image row) so a run is repeatable and an image gets new transforms every epoch. Geometry
/// first (symmetry, zoom and shift), then colour (brightness, contrast, saturation, hue), then clamped to the
/// pixel range.</summary>
public sealed class Augmenter(AugmentSpec spec, long seed, double pixelMax)
{
    public bool Enabled => spec.Enabled;

    /// <summary>A uniform draw in [0, 1) for (what, epoch, row).</summary>
    double U(string what, int epoch, long row) =>
        (SeedSource.Draw(seed, $"augment/{what}/epoch{epoch}", row.ToString(System.Globalization.CultureInfo.InvariantCulture)) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [-range, range].</summary>
    double Symmetric(string what, int epoch, long row, double range) => range * (2 * U(what, epoch, row) - 1);

    public Tensor Apply(Tensor batch, long[] rows, int epoch)
    {
        if (!Enabled) return batch;
        var images = new Tensor[rows.Length];
        for (int i = 0; i < rows.Length; i++) images[i] = One(batch[i], rows[i], epoch);
        return stack(images);
    }

    Tensor One(Tensor x, long row, int epoch)
    {
        if (spec.Flips == "dihedral8") x = ImageTransforms.Dihedral(x, (int)(U("flips", epoch, row) * 8));
        if (spec.Scale > 0 || spec.Shift > 0)
            x = ImageTransforms.ScaleShift(x, 1 + Symmetric("scale", epoch, row, spec.Scale), Symmetric("dx", epoch, row, spec.Shift), Symmetric("dy", epoch, row, spec.Shift));
        if (spec.Brightness > 0) x = ImageTransforms.Brightness(x, 1 + Symmetric("brightness", epoch, row, spec.Brightness));
        if (spec.Contrast > 0) x = ImageTransforms.Contrast(x, 1 + Symmetric("contrast", epoch, row, spec.Contrast));
        if (spec.Saturation > 0) x = ImageTransforms.Saturation(x, 1 + Symmetric("saturation", epoch, row, spec.Saturation));
        if (spec.Hue > 0) x = ImageTransforms.Hue(x, 2 * Math.PI * Symmetric("hue", epoch, row, spec.Hue));
        return x.clamp(0, pixelMax);
    }
}
