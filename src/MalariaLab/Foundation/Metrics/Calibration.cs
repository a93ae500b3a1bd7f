namespace MalariaLab.Foundation.Metrics;

/// <summary>Calibration and thresholds, one function each: Brier score, expected calibration error, reliability bins,
/// temperature scaling, and thresholds chosen on validation data (Youden's J, F1).</summary>
public static class Calibration
{
    /// <summary>Brier score = mean (p − y)², p the probability of Parasitized (sklearn's brier_score_loss).</summary>
    public static double Brier(IReadOnlyList<int> labels, IReadOnlyList<double> scores) =>
        labels.Count == 0 ? 0 : labels.Select((y, i) => (scores[i] - y) * (scores[i] - y)).Average();

    public sealed record Bin(double Lower, double Upper, int Count, double MeanProbability, double FractionPositive);

    /// <summary>Equal-width bins of the probability of Parasitized ([0, 0.1), ..., [0.9, 1.0]): count, mean probability and
    /// the fraction that really is Parasitized.</summary>
    public static List<Bin> Bins(IReadOnlyList<int> labels, IReadOnlyList<double> scores, int bins = 10)
    {
        var result = new List<Bin>();
        for (int b = 0; b < bins; b++)
        {
            double lower = (double)b / bins, upper = (double)(b + 1) / bins;
            var members = Enumerable.Range(0, labels.Count).Where(i => scores[i] >= lower && (scores[i] < upper || b == bins - 1 && scores[i] <= upper)).ToList();
            result.Add(new Bin(lower, upper, members.Count,
                members.Count == 0 ? 0 : members.Average(i => scores[i]), members.Count == 0 ? 0 : members.Average(i => (double)labels[i])));
        }
        return result;
    }

    /// <summary>Expected calibration error = Σ over bins (n_b / N) · |fraction positive − mean probability| (10 bins).</summary>
    public static double ExpectedCalibrationError(IReadOnlyList<int> labels, IReadOnlyList<double> scores) =>
        labels.Count == 0 ? 0 : Bins(labels, scores).Sum(b => (double)b.Count / labels.Count * Math.Abs(b.FractionPositive - b.MeanProbability));

    static double Logit(double p)
    {
        p = Math.Clamp(p, 1e-7, 1 - 1e-7);
        return Math.Log(p / (1 - p));
    }

    /// <summary>The temperature T > 0 that minimises the negative log-likelihood of sigmoid(logit / T) on validation data
    /// (Guo et al. 2017), by golden-section search over log T in [1/20, 20].</summary>
    public static double FitTemperature(IReadOnlyList<int> labels, IReadOnlyList<double> scores)
    {
        var logits = scores.Select(Logit).ToArray();
        double Nll(double logT)
        {
            double t = Math.Exp(logT), sum = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                double z = logits[i] / t;
                sum += labels[i] == 1 ? Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));
            }
            return sum;
        }
        double a = Math.Log(0.05), b = Math.Log(20), phi = (Math.Sqrt(5) - 1) / 2;
        double c = b - phi * (b - a), d = a + phi * (b - a);
        for (int i = 0; i < 100; i++)
        {
            if (Nll(c) < Nll(d)) b = d; else a = c;
            c = b - phi * (b - a);
            d = a + phi * (b - a);
        }
        return Math.Exp((a + b) / 2);
    }

    public static double[] Scale(IReadOnlyList<double> scores, double temperature) =>
        scores.Select(p => 1 / (1 + Math.Exp(-Logit(p) / temperature))).ToArray();

    /// <summary>The threshold among the scores that maximises Youden's J (TPR − FPR) or F1 on (validation) data; ties
    /// go to the higher threshold.</summary>
    public static double PickThreshold(string rule, IReadOnlyList<int> labels, IReadOnlyList<double> scores)
    {
        double best = double.NegativeInfinity, chosen = 0.5;
        foreach (var t in scores.Distinct().OrderByDescending(s => s))
        {
            var c = Confusion.At(labels, scores, t);
            double value = rule switch
            {
                "youden" => BinaryMetrics.Recall(c) + BinaryMetrics.Specificity(c) - 1,
                "f1" => BinaryMetrics.F1(BinaryMetrics.Precision(c), BinaryMetrics.Recall(c)),
                _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "expected youden or f1"),
            };
            if (value > best) { best = value; chosen = t; }
        }
        return chosen;
    }
}
