namespace MalariaLab.Foundation.Metrics;

/// <summary>Two models scored on the same images: McNemar's exact test on the images they disagree on, and a paired
/// bootstrap interval for a metric's difference (the same images resampled for both, so what they share cancels).</summary>
public static class PairedStatistics
{
    /// <summary>Images only the first model gets right (<paramref name="onlyFirst"/>) and only the second gets right
    /// (<paramref name="onlySecond"/>): under "equally accurate" each disagreement is a fair coin, so the two-sided p
    /// is twice the binomial tail of the smaller count, at most 1 (scipy.stats.binomtest(b, b + c, 0.5)).</summary>
    public static double McNemarExactP(int onlyFirst, int onlySecond)
    {
        int n = onlyFirst + onlySecond;
        if (n == 0) return 1;
        int k = Math.Min(onlyFirst, onlySecond);
        // log C(n, i) 2^-n summed for i = 0..k in log space (n may be thousands).
        double logTerm = -n * Math.Log(2), logSum = logTerm;
        for (int i = 1; i <= k; i++)
        {
            logTerm += Math.Log(n - i + 1) - Math.Log(i);
            logSum = LogAdd(logSum, logTerm);
        }
        return Math.Min(1, 2 * Math.Exp(logSum));
    }

    static double LogAdd(double a, double b) => a > b ? a + double.LogP1(Math.Exp(b - a)) : b + double.LogP1(Math.Exp(a - b));

    /// <summary>The 2.5th and 97.5th percentiles of metric(second) − metric(first) over <paramref name="resamples"/>
    /// resamples of the images with replacement, drawn from <paramref name="seed"/> (so a comparison reruns to the same
    /// interval).</summary>
    public static (double Low, double High) BootstrapInterval(int[] labels, double[] first, double[] second,
        Func<int[], double[], double> metric, ulong seed, int resamples = 2000)
    {
        int n = labels.Length;
        var rng = new SplitMix(seed);
        var differences = new double[resamples];
        var (l, a, b) = (new int[n], new double[n], new double[n]);
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < n; i++)
            {
                int j = (int)(rng.Next() % (ulong)n);
                (l[i], a[i], b[i]) = (labels[j], first[j], second[j]);
            }
            differences[r] = metric(l, b) - metric(l, a);
        }
        var finite = differences.Where(double.IsFinite).Order().ToArray();
        if (finite.Length == 0) return (double.NaN, double.NaN);
        return (Percentile(finite, 0.025), Percentile(finite, 0.975));
    }

    /// <summary>Linear interpolation between order statistics (numpy's default percentile).</summary>
    public static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>splitmix64: small, fast, and the same sequence on every platform.</summary>
    sealed class SplitMix(ulong seed)
    {
        ulong _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
