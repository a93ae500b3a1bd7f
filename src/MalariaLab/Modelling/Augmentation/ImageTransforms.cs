using static TorchSharp.torch;

namespace MalariaLab.Modelling.Augmentation;

/// <summary>The symmetries and flips of a float image C x H x W (or a batch N x C x H x W) for test-time augmentation;
/// training's augmentation works on the bytes (<see cref="Augmenter"/>, with <see cref="SymmetryMaps"/>).</summary>
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
}
