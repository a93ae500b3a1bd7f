namespace MalariaLab.Workflows.Prediction;

/// <summary>The test-time views of uint8 N x S x S x 3 images, pixel for pixel the same as Evaluator.View's on the
/// model input: flips (k = 1 along x, 2 along y, 3 both) and the eight symmetries (transpose when k ≥ 4, then k mod 4
/// quarter turns counter-clockwise, as torch.rot90 over (H, W)).</summary>
public static class PixelViews
{
    public static byte[] View(byte[] nhwc, int count, int size, string tta, int k)
    {
        Func<int, int, (int Y, int X)> source = tta == "flips"
            ? k switch { 0 => (y, x) => (y, x), 1 => (y, x) => (y, size - 1 - x), 2 => (y, x) => (size - 1 - y, x), _ => (y, x) => (size - 1 - y, size - 1 - x) }
            : (y, x) => Dihedral(y, x, size, k);
        var output = new byte[nhwc.Length];
        int image = size * size * 3;
        for (int n = 0; n < count; n++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    var (sy, sx) = source(y, x);
                    Array.Copy(nhwc, n * image + (sy * size + sx) * 3, output, n * image + (y * size + x) * 3, 3);
                }
        return output;
    }

    /// <summary>Where output (y, x) of symmetry k reads from: each quarter turn reads out[y][x] = in[x][S−1−y].</summary>
    static (int Y, int X) Dihedral(int y, int x, int size, int k)
    {
        for (int turn = 0; turn < (k & 3); turn++) (y, x) = (x, size - 1 - y);
        return k >= 4 ? (x, y) : (y, x);
    }
}
