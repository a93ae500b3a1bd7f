using System.Collections.Concurrent;

namespace MalariaLab.Modelling.Augmentation;

/// <summary>Where each output pixel of a flip or symmetry of an S x S x 3 image reads from, pixel for pixel what
/// <see cref="ImageTransforms.Flip"/> and <see cref="ImageTransforms.Dihedral"/> do to the model input: flips (k = 1
/// along x, 2 along y, 3 both) and the eight symmetries (transpose when k ≥ 4, then k mod 4 quarter turns
/// counter-clockwise, as torch.rot90 over (H, W)). Worked out once per (size, kind, k) and kept: a lookup per pixel.</summary>
public static class SymmetryMaps
{
    static readonly ConcurrentDictionary<(int Size, string Kind, int K), int[]> Maps = new();

    /// <summary>For each output pixel (row-major), the byte offset of its source pixel in an interleaved RGB image.
    /// <paramref name="kind"/> is "flips" or "dihedral8".</summary>
    public static int[] SourceOffsets(int size, string kind, int k)
    {
        int count = kind switch { "flips" => 4, "dihedral8" => 8, _ => throw new ArgumentException($"symmetries: \"{kind}\" is not flips or dihedral8", nameof(kind)) };
        if (k < 0 || k >= count) throw new ArgumentOutOfRangeException(nameof(k), k, $"{kind} has views 0 to {count - 1}");
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "an image has at least one pixel");
        return Maps.GetOrAdd((size, kind, k), Make);
    }

    static int[] Make((int Size, string Kind, int K) key)
    {
        var map = new int[key.Size * key.Size];
        for (int y = 0; y < key.Size; y++)
            for (int x = 0; x < key.Size; x++)
            {
                var (sy, sx) = key.Kind == "flips" ? Flip(y, x, key.Size, key.K) : Dihedral(y, x, key.Size, key.K);
                map[y * key.Size + x] = (sy * key.Size + sx) * 3;
            }
        return map;
    }

    static (int Y, int X) Flip(int y, int x, int size, int k) =>
        k switch { 0 => (y, x), 1 => (y, size - 1 - x), 2 => (size - 1 - y, x), _ => (size - 1 - y, size - 1 - x) };

    /// <summary>Where output (y, x) of symmetry k reads from: each quarter turn reads out[y][x] = in[x][S−1−y].</summary>
    static (int Y, int X) Dihedral(int y, int x, int size, int k)
    {
        for (int turn = 0; turn < (k & 3); turn++) (y, x) = (x, size - 1 - y);
        return k >= 4 ? (x, y) : (y, x);
    }
}
