namespace MalariaLab.Modelling.Augmentation;

/// <summary>Brightness, contrast, saturation and hue of one image as the one affine map they make together:
/// y = A·x + t per RGB pixel, worked out in double once per image and applied in float per pixel. Each transform is
/// linear in the pixel (contrast's mean aside, a number per image), so the chain is its product:
/// brightness x·b, contrast m + (x − m)·c (m the image's mean luma after brightness, b times its mean before),
/// saturation g + (x − g)·s (g the pixel's luma), hue H·x (<see cref="HueMatrix"/>).</summary>
public readonly record struct ColourMap(float[] Matrix, float[] Offset)
{
    /// <summary>ITU-R 601 luma weights (they sum to 1, so grey stays grey under saturation).</summary>
    public static readonly double[] Luma = [0.299, 0.587, 0.114];

    /// <summary>The map for raw pixels (0..255) scaled by <paramref name="scale"/> and then put through the draws'
    /// colour transforms; <paramref name="meanLuma"/> is the image's mean raw luma (contrast's centre, unused without it).</summary>
    public static ColourMap For(ImageDraws draws, double scale, double meanLuma)
    {
        double b = draws.Brightness ?? 1, c = draws.Contrast ?? 1, s = draws.Saturation ?? 1;
        var saturation = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) saturation[i, j] = (i == j ? s : 0) + (1 - s) * Luma[j];
        var colour = draws.HueRadians is double h ? Multiply(HueMatrix(h), saturation) : saturation;
        double mean = b * scale * meanLuma; // contrast's centre, after brightness
        var matrix = new float[9];
        var offset = new float[3];
        for (int i = 0; i < 3; i++)
        {
            double rowSum = 0;
            for (int j = 0; j < 3; j++)
            {
                matrix[i * 3 + j] = (float)(colour[i, j] * c * b * scale);
                rowSum += colour[i, j];
            }
            offset[i] = (float)(rowSum * (1 - c) * mean);
        }
        return new ColourMap(matrix, offset);
    }

    /// <summary>RGB → YIQ (NTSC), the rotation of the (I, Q) chroma by θ radians, and back.</summary>
    public static double[,] HueMatrix(double radians)
    {
        double[,] toYiq = { { Luma[0], Luma[1], Luma[2] }, { 0.596, -0.274, -0.322 }, { 0.211, -0.523, 0.312 } };
        var (sin, cos) = SinCos(radians);
        double[,] turn = { { 1, 0, 0 }, { 0, cos, -sin }, { 0, sin, cos } };
        return Multiply(Invert(toYiq), Multiply(turn, toYiq));
    }

    /// <summary>sin and cos by their Taylor series in plain double arithmetic, within 2e-15 of the true values for
    /// |θ| ≤ π: the platform's Math.Sin/Cos pick their code by CPU (glibc's multiarch variants), and a last-bit
    /// difference could round a matrix entry to another float on another machine.</summary>
    public static (double Sin, double Cos) SinCos(double radians)
    {
        if (!(Math.Abs(radians) <= Math.PI)) throw new ArgumentOutOfRangeException(nameof(radians), radians, "a hue turn is within ±π");
        double x2 = radians * radians, sin = 0, cos = 0;
        for (int n = 14; n >= 0; n--) // Horner, from the 29th and 28th powers down
        {
            sin = 1.0 / ((2 * n + 2) * (2 * n + 3)) * -x2 * sin + 1;
            cos = 1.0 / ((2 * n + 1) * (2 * n + 2)) * -x2 * cos + 1;
        }
        return (radians * sin, cos);
    }

    static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = new double[3, 3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) m[i, j] += a[i, k] * b[k, j];
        return m;
    }

    static double[,] Invert(double[,] a)
    {
        double det = a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]) - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0]) + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);
        var m = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                int r1 = (j + 1) % 3, r2 = (j + 2) % 3, c1 = (i + 1) % 3, c2 = (i + 2) % 3;
                m[i, j] = (a[r1, c1] * a[r2, c2] - a[r1, c2] * a[r2, c1]) / det;
            }
        return m;
    }
}
