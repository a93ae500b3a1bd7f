namespace MalariaLab.Modelling.Augmentation;

/// <summary>One image's augmentation on its bytes, in managed code: symmetry, zoom and shift (bilinear, black
/// outside), then the colour transforms as one affine map (<see cref="ColourMap"/>), clamped to the pixel range.
/// Plain IEEE float and double arithmetic in a fixed order (no fused multiply-add, no vector reductions), so an image
/// comes out with the same bits on every CPU and thread count.</summary>
public static class AugmentKernel
{
    /// <summary>Raw S x S x 3 bytes in, the model's scaled S x S x 3 floats out. <paramref name="warped"/> is scratch of
    /// the same length.</summary>
    public static void Image(ReadOnlySpan<byte> source, Span<float> target, int size, ImageDraws draws, double scale, Span<float> warped)
    {
        int pixels = size * size;
        if (source.Length != pixels * 3 || target.Length != pixels * 3 || warped.Length != pixels * 3)
            throw new ArgumentException($"augmentation of a {size}x{size}x3 image needs {pixels * 3} values in, out and scratch");
        var symmetry = SymmetryMaps.SourceOffsets(size, "dihedral8", draws.Symmetry ?? 0);
        if (draws.Geometry is var (zoom, dx, dy)) Warp(source, warped, size, symmetry, BilinearTaps.For(size, zoom, dx), BilinearTaps.For(size, zoom, dy));
        else
            for (int p = 0, at = 0; p < pixels; p++, at += 3)
            {
                int from = symmetry[p];
                warped[at] = source[from];
                warped[at + 1] = source[from + 1];
                warped[at + 2] = source[from + 2];
            }
        var colour = ColourMap.For(draws, scale, draws.Contrast is null ? 0 : MeanLuma(warped));
        Colour(warped, target, colour, (float)(255 * scale));
    }

    /// <summary>Bilinear: each output pixel from the four source pixels its row and column taps name, read through
    /// the symmetry (the warp samples the turned image). Pointers: this loop is most of the augmentation's time.</summary>
    static unsafe void Warp(ReadOnlySpan<byte> source, Span<float> warped, int size, int[] symmetry, BilinearTaps columns, BilinearTaps rows)
    {
        fixed (byte* from = source)
        fixed (float* to = warped)
        fixed (int* turned = symmetry)
        {
            float* at = to;
            for (int y = 0; y < size; y++)
            {
                int* top = turned + rows.Low[y] * size, bottom = turned + rows.High[y] * size;
                float wTop = rows.LowWeight[y], wBottom = rows.HighWeight[y];
                for (int x = 0; x < size; x++, at += 3)
                {
                    int left = columns.Low[x], right = columns.High[x];
                    float wLeft = columns.LowWeight[x], wRight = columns.HighWeight[x];
                    byte* a = from + top[left], b = from + top[right], c = from + bottom[left], d = from + bottom[right];
                    at[0] = wTop * (wLeft * a[0] + wRight * b[0]) + wBottom * (wLeft * c[0] + wRight * d[0]);
                    at[1] = wTop * (wLeft * a[1] + wRight * b[1]) + wBottom * (wLeft * c[1] + wRight * d[1]);
                    at[2] = wTop * (wLeft * a[2] + wRight * b[2]) + wBottom * (wLeft * c[2] + wRight * d[2]);
                }
            }
        }
    }

    /// <summary>The image's mean luma, summed pixel by pixel in double.</summary>
    static double MeanLuma(ReadOnlySpan<float> rgb)
    {
        double sum = 0;
        for (int at = 0; at < rgb.Length; at += 3)
            sum += ColourMap.Luma[0] * rgb[at] + ColourMap.Luma[1] * rgb[at + 1] + ColourMap.Luma[2] * rgb[at + 2];
        return sum / (rgb.Length / 3);
    }

    static unsafe void Colour(ReadOnlySpan<float> rgb, Span<float> target, ColourMap map, float pixelMax)
    {
        var (m, t) = (map.Matrix, map.Offset);
        float m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7], m8 = m[8], t0 = t[0], t1 = t[1], t2 = t[2];
        fixed (float* from = rgb)
        fixed (float* to = target)
            for (int at = 0; at < rgb.Length; at += 3)
            {
                float r = from[at], g = from[at + 1], b = from[at + 2];
                to[at] = Clamp(m0 * r + m1 * g + m2 * b + t0, pixelMax);
                to[at + 1] = Clamp(m3 * r + m4 * g + m5 * b + t1, pixelMax);
                to[at + 2] = Clamp(m6 * r + m7 * g + m8 * b + t2, pixelMax);
            }
    }

    /// <summary>Into [0, max]; −0 comes out as +0 (the bits are part of the result).</summary>
    static float Clamp(float value, float max) => value > 0 ? (value < max ? value : max) : 0;
}
