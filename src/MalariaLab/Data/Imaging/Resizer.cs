namespace MalariaLab.Data.Imaging;

/// <summary>Resizes RGB images to a square size exactly as Keras' load_img(target_size=...) does, i.e. as Pillow's
/// <c>Image.resize(size, NEAREST | BILINEAR)</c>: the same arithmetic as Pillow's C code (9.4,
/// src/libImaging/Geometry.c and Resample.c), so the pixels are identical, ties included
/// (tests/MalariaLab.Tests/Data/Imaging/PillowParityTests checks them against Pillow's own output).</summary>
public static class Resizer
{
    public static byte[] Resize(RgbImage image, int size, string interpolation) => interpolation switch
    {
        "nearest" => Nearest(image, size, size),
        "bilinear" => Bilinear(image, size, size),
        _ => throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "expected nearest or bilinear"),
    };

    /// <summary>Pillow's NEAREST resize: an affine scale (ImagingScaleAffine) whose source coordinate starts at
    /// scale · 0.5 and is then advanced by adding scale once per output pixel, in double, truncated to an int.
    /// The running sum is what makes ties differ from the closed form floor((x + 0.5) · scale): 160 → 48 takes
    /// column 84 for x = 25 where exact arithmetic gives 85.</summary>
    public static byte[] Nearest(RgbImage image, int width, int height)
    {
        var output = new byte[width * height * 3];
        var columns = SourceIndices(image.Width, width);
        var rows = SourceIndices(image.Height, height);
        for (int y = 0; y < height; y++)
        {
            int sourceRow = rows[y] * image.Width * 3;
            int outRow = y * width * 3;
            for (int x = 0; x < width; x++)
            {
                int s = sourceRow + columns[x] * 3, o = outRow + x * 3;
                output[o] = image.Pixels[s];
                output[o + 1] = image.Pixels[s + 1];
                output[o + 2] = image.Pixels[s + 2];
            }
        }
        return output;
    }

    /// <summary>The source index of each output index, accumulated as Pillow does (xo = a·0.5; xo += a).
    /// Pillow leaves pixels whose coordinate falls outside the source black; with a = in/out that cannot happen
    /// (the last coordinate is below in), so every index is in range.</summary>
    static int[] SourceIndices(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double position = scale * 0.5;
        var indices = new int[outSize];
        for (int i = 0; i < outSize; i++)
        {
            indices[i] = Math.Min((int)position, inSize - 1);
            position += scale;
        }
        return indices;
    }

    // Pillow's fixed-point precision for 8-bit resampling: coefficients are scaled by 2^22 and rounded.
    const int PrecisionBits = 32 - 8 - 2;
    const int Half = 1 << (PrecisionBits - 1); // rounds the fixed-point sum to nearest

    /// <summary>Pillow's BILINEAR resize (ImagingResample): a triangle filter whose support is widened by the
    /// scale when shrinking, coefficients precomputed per output pixel in double, normalised to sum 1, then
    /// rounded to 22-bit fixed point; a horizontal pass (when the width changes) rounded to 8 bits, then a
    /// vertical pass (when the height changes).</summary>
    public static byte[] Bilinear(RgbImage image, int width, int height)
    {
        int w = image.Width, h = image.Height;
        byte[] pixels = image.Pixels;
        if (width != w)
        {
            var (bounds, coefficients, k) = Coefficients(w, width);
            var horizontal = new byte[width * h * 3];
            for (int y = 0; y < h; y++)
            {
                var source = pixels.AsSpan(y * w * 3, w * 3);
                var output = horizontal.AsSpan(y * width * 3, width * 3);
                for (int x = 0; x < width; x++)
                {
                    int start = bounds[x * 2], count = bounds[x * 2 + 1];
                    var weights = coefficients.AsSpan(x * k, count);
                    var taps = source.Slice(start * 3, count * 3);
                    int r = Half, g = Half, b = Half;
                    for (int i = 0; i < weights.Length; i++)
                    {
                        int weight = weights[i];
                        r += taps[i * 3] * weight;
                        g += taps[i * 3 + 1] * weight;
                        b += taps[i * 3 + 2] * weight;
                    }
                    output[x * 3] = Clip8(r);
                    output[x * 3 + 1] = Clip8(g);
                    output[x * 3 + 2] = Clip8(b);
                }
            }
            pixels = horizontal;
            w = width;
        }
        if (height != h)
        {
            var (bounds, coefficients, k) = Coefficients(h, height);
            var vertical = new byte[w * height * 3];
            // A whole output row at a time: each source row, times its weight, added into one accumulator row (the
            // terms of each sum in the same order as Pillow's loop, and integers anyway).
            var sums = new int[w * 3];
            for (int y = 0; y < height; y++)
            {
                int start = bounds[y * 2], count = bounds[y * 2 + 1];
                sums.AsSpan().Fill(Half);
                for (int i = 0; i < count; i++)
                {
                    int weight = coefficients[y * k + i];
                    var row = pixels.AsSpan((start + i) * w * 3, w * 3);
                    for (int j = 0; j < row.Length; j++) sums[j] += row[j] * weight;
                }
                var output = vertical.AsSpan(y * w * 3, w * 3);
                for (int j = 0; j < output.Length; j++) output[j] = Clip8(sums[j]);
            }
            pixels = vertical;
        }
        return pixels == image.Pixels ? (byte[])pixels.Clone() : pixels;
    }

    /// <summary>Pillow's precompute_coeffs + normalize_coeffs_8bpc for the triangle filter (support 1): per output
    /// index its first source index and count, and ksize fixed-point weights.</summary>
    static (int[] Bounds, int[] Coefficients, int KSize) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = 1.0 * filterScale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var fixedPoint = new int[outSize * ksize];
        var weights = new double[ksize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double total = 0.0, inverse = 1.0 / filterScale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int max = Math.Min((int)(center + support + 0.5), inSize) - min;
            for (int x = 0; x < max; x++)
            {
                double w = Triangle((x + min - center + 0.5) * inverse);
                weights[x] = w;
                total += w;
            }
            for (int x = 0; x < max; x++)
            {
                double w = total != 0.0 ? weights[x] / total : weights[x];
                fixedPoint[xx * ksize + x] = w < 0 ? (int)(-0.5 + w * (1 << PrecisionBits)) : (int)(0.5 + w * (1 << PrecisionBits));
            }
            bounds[xx * 2] = min;
            bounds[xx * 2 + 1] = max;
        }
        return (bounds, fixedPoint, ksize);
    }

    static double Triangle(double x)
    {
        if (x < 0.0) x = -x;
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    // Pillow's clip8: the accumulator shifted down (arithmetic shift), clamped to 0..255.
    static byte Clip8(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);
}
