using System.Collections.Concurrent;

namespace MalariaLab.Workflows.Prediction;

/// <summary>The test-time views of uint8 N x S x S x 3 images, pixel for pixel the same as Evaluator.View's on the
/// model input: flips (k = 1 along x, 2 along y, 3 both) and the eight symmetries (transpose when k ≥ 4, then k mod 4
/// quarter turns counter-clockwise, as torch.rot90 over (H, W)).</summary>
public static class PixelViews
{
    /// <summary>Per (size, tta, k): where each output pixel reads from, worked out once (a lookup per pixel, not a
    /// delegate call and an Array.Copy: TTA's eight views of a 256-image batch are 4.7M pixels).</summary>
    static readonly ConcurrentDictionary<(int Size, string Tta, int K), int[]> Maps = new();

    /// <summary>View <paramref name="k"/> of <paramref name="count"/> images, written into <paramref name="output"/> (the
    /// caller's buffer, reused from batch to batch; every byte of it is written).</summary>
    public static byte[] View(byte[] nhwc, int count, int size, string tta, int k, byte[] output)
    {
        if (nhwc.Length != count * size * size * 3 || output.Length != nhwc.Length || ReferenceEquals(output, nhwc))
            throw new ArgumentException($"TTA views: {count} images of {size}x{size}x3 need input and output buffers of {count * size * size * 3} bytes each, apart");
        var map = Maps.GetOrAdd((size, tta, k), key => SourceMap(key.Size, key.Tta, key.K));
        int image = size * size * 3;
        // Images are independent: all cores copy (this sits between decoding and the forward pass, not beside them).
        Parallel.For(0, count, n =>
        {
            var from = nhwc.AsSpan(n * image, image);
            var to = output.AsSpan(n * image, image);
            for (int pixel = 0, at = 0; pixel < map.Length; pixel++, at += 3)
            {
                int source = map[pixel];
                to[at] = from[source];
                to[at + 1] = from[source + 1];
                to[at + 2] = from[source + 2];
            }
        });
        return output;
    }

    /// <summary>The byte offset of the source pixel of each output pixel (row-major).</summary>
    static int[] SourceMap(int size, string tta, int k)
    {
        var map = new int[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var (sy, sx) = tta == "flips"
                    ? k switch { 0 => (y, x), 1 => (y, size - 1 - x), 2 => (size - 1 - y, x), _ => (size - 1 - y, size - 1 - x) }
                    : Dihedral(y, x, size, k);
                map[y * size + x] = (sy * size + sx) * 3;
            }
        return map;
    }

    /// <summary>Where output (y, x) of symmetry k reads from: each quarter turn reads out[y][x] = in[x][S−1−y].</summary>
    static (int Y, int X) Dihedral(int y, int x, int size, int k)
    {
        for (int turn = 0; turn < (k & 3); turn++) (y, x) = (x, size - 1 - y);
        return k >= 4 ? (x, y) : (y, x);
    }
}
