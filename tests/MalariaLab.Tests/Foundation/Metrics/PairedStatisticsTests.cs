using MalariaLab.Foundation.Metrics;

namespace MalariaLab.Tests.Foundation.Metrics;

/// <summary>McNemar's exact p against SciPy (values from scipy 1.10.1, <c>scipy.stats.binomtest(b, b + c, 0.5).pvalue</c>),
/// and the paired bootstrap interval's properties.</summary>
public class PairedStatisticsTests
{
    [Theory]
    [InlineData(0, 0, 1.0)]
    [InlineData(3, 0, 0.25)]
    [InlineData(10, 4, 0.1795654296875)]
    [InlineData(4, 10, 0.1795654296875)]
    [InlineData(25, 40, 0.08168153394154003)]
    [InlineData(120, 95, 0.10145232764870683)]
    [InlineData(1000, 1100, 0.030720707864242486)]
    [InlineData(7, 7, 1.0)]
    public void McNemar_exact_p_is_scipys_binomial_test(int onlyFirst, int onlySecond, double scipy) =>
        Assert.Equal(scipy, PairedStatistics.McNemarExactP(onlyFirst, onlySecond), 1e-12);

    [Fact]
    public void The_percentile_interpolates_as_numpy_does()
    {
        double[] sorted = [1, 2, 3, 4, 10];
        Assert.Equal(1.1, PairedStatistics.Percentile(sorted, 0.025), 12); // numpy.percentile([1,2,3,4,10], 2.5) = 1.1
        Assert.Equal(9.4, PairedStatistics.Percentile(sorted, 0.975), 12); // numpy.percentile(..., 97.5) = 9.4
    }

    [Fact]
    public void The_bootstrap_interval_is_seeded_zero_for_identical_models_and_covers_a_clear_difference()
    {
        var random = new Random(1);
        int[] labels = [.. Enumerable.Range(0, 400).Select(i => i % 2)];
        double[] weak = [.. labels.Select(l => Math.Clamp(l * 0.2 + random.NextDouble() * 0.8, 0, 1))];
        double[] strong = [.. labels.Select(l => Math.Clamp(l * 0.6 + random.NextDouble() * 0.4, 0, 1))];
        static double Auc(int[] l, double[] s) => BinaryMetrics.Roc(l, s).Auc;

        Assert.Equal((0.0, 0.0), PairedStatistics.BootstrapInterval(labels, weak, weak, Auc, seed: 7, resamples: 200));
        var interval = PairedStatistics.BootstrapInterval(labels, weak, strong, Auc, seed: 7, resamples: 500);
        Assert.Equal(interval, PairedStatistics.BootstrapInterval(labels, weak, strong, Auc, seed: 7, resamples: 500));
        Assert.NotEqual(interval, PairedStatistics.BootstrapInterval(labels, weak, strong, Auc, seed: 8, resamples: 500));
        double observed = Auc(labels, strong) - Auc(labels, weak);
        Assert.InRange(observed, interval.Low, interval.High);
        Assert.True(interval.Low > 0, $"[{interval.Low}, {interval.High}]"); // the stronger model is better beyond resampling noise
    }
}
