namespace MalariaLab.Foundation.Metrics;

/// <summary>Labelled scores a threshold is chosen on (the validation subset), kept apart from the data it is applied to.</summary>
public sealed record ScoredLabels(int[] Labels, double[] Scores);

/// <summary>The operating points clinicians read: the threshold that holds specificity (or sensitivity) at a target on
/// the data it is chosen on, and what the other rate is when that threshold is applied unchanged to other data. A cell
/// is called Parasitized when its score is ≥ the threshold.</summary>
public static class OperatingPoints
{
    /// <summary>The lowest threshold among the scores (or +∞, which calls nothing Parasitized) at which at most
    /// 1 - <paramref name="target"/> of the negatives score at or above it: the most sensitive threshold that keeps
    /// specificity ≥ target.</summary>
    public static double ThresholdForSpecificity(ScoredLabels chosenOn, double target)
    {
        var negatives = chosenOn.Scores.Where((_, i) => chosenOn.Labels[i] == 0).OrderDescending().ToArray();
        if (negatives.Length == 0) return double.PositiveInfinity;
        int allowed = (int)Math.Floor((1 - target) * negatives.Length + 1e-9); // false positives allowed
        // Thresholds just above the (allowed+1)-th highest negative keep at most `allowed` negatives at or above them;
        // among the candidate thresholds (the scores themselves), take the lowest one strictly above it.
        if (allowed >= negatives.Length) return chosenOn.Scores.Min();
        double bound = negatives[allowed];
        var above = chosenOn.Scores.Where(s => s > bound).ToArray();
        return above.Length == 0 ? double.PositiveInfinity : above.Min();
    }

    /// <summary>The highest threshold among the scores at which at least <paramref name="target"/> of the positives
    /// score at or above it: the most specific threshold that keeps sensitivity ≥ target.</summary>
    public static double ThresholdForSensitivity(ScoredLabels chosenOn, double target)
    {
        var positives = chosenOn.Scores.Where((_, i) => chosenOn.Labels[i] == 1).OrderDescending().ToArray();
        if (positives.Length == 0) return double.PositiveInfinity;
        int needed = (int)Math.Ceiling(target * positives.Length - 1e-9);
        return positives[Math.Clamp(needed, 1, positives.Length) - 1];
    }

    public static double SensitivityAt(int[] labels, double[] scores, double threshold) => BinaryMetrics.Recall(Confusion.At(labels, scores, threshold));

    public static double SpecificityAt(int[] labels, double[] scores, double threshold) => BinaryMetrics.Specificity(Confusion.At(labels, scores, threshold));

    /// <summary>Per patient, the fraction of cells called Parasitized against the true fraction: the mean absolute
    /// difference over patients (what a per-patient parasitaemia estimate gets wrong on average).</summary>
    public static double PatientFractionError(int[] labels, double[] scores, string[] patients, double threshold) =>
        patients.Select((p, i) => (Patient: p, i)).GroupBy(x => x.Patient)
            .Select(g => Math.Abs(g.Average(x => scores[x.i] >= threshold ? 1.0 : 0.0) - g.Average(x => (double)labels[x.i])))
            .DefaultIfEmpty(double.NaN).Average();
}
