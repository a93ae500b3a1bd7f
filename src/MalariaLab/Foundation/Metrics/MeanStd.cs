namespace MalariaLab.Foundation.Metrics;

/// <summary>Mean and sample standard deviation (n − 1), as numpy.std(ddof=1); 0 for a single value.</summary>
public sealed record MeanStd(double Mean, double Std)
{
    public static MeanStd Of(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double std = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new MeanStd(mean, std);
    }
}
