namespace MalariaLab.Foundation.Metrics;

/// <summary>Counts for the positive class (Parasitized = 1) at one threshold.</summary>
public sealed record Confusion(int TruePositive, int FalsePositive, int TrueNegative, int FalseNegative)
{
    public int Total => TruePositive + FalsePositive + TrueNegative + FalseNegative;

    public static Confusion At(IReadOnlyList<int> labels, IReadOnlyList<double> scores, double threshold)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            bool predicted = scores[i] >= threshold;
            if (labels[i] == 1) { if (predicted) tp++; else fn++; }
            else { if (predicted) fp++; else tn++; }
        }
        return new Confusion(tp, fp, tn, fn);
    }
}

/// <summary>One function per metric, each with its formula (scikit-learn's definitions; 0 where a ratio is 0/0,
/// as sklearn's zero_division=0).</summary>
public static class BinaryMetrics
{
    static double Ratio(double a, double b) => b == 0 ? 0 : a / b;

    /// <summary>accuracy = (TP + TN) / N</summary>
    public static double Accuracy(Confusion c) => Ratio(c.TruePositive + c.TrueNegative, c.Total);
    /// <summary>precision = TP / (TP + FP)</summary>
    public static double Precision(Confusion c) => Ratio(c.TruePositive, c.TruePositive + c.FalsePositive);
    /// <summary>recall = sensitivity = TP / (TP + FN)</summary>
    public static double Recall(Confusion c) => Ratio(c.TruePositive, c.TruePositive + c.FalseNegative);
    /// <summary>specificity = TN / (TN + FP) (= recall of the negative class)</summary>
    public static double Specificity(Confusion c) => Ratio(c.TrueNegative, c.TrueNegative + c.FalsePositive);
    /// <summary>F1 = 2PR / (P + R)</summary>
    public static double F1(double precision, double recall) => Ratio(2 * precision * recall, precision + recall);

    /// <summary>Matthews correlation = (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)); 0 when undefined.</summary>
    public static double Matthews(Confusion c)
    {
        double tp = c.TruePositive, fp = c.FalsePositive, tn = c.TrueNegative, fn = c.FalseNegative;
        double denominator = Math.Sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
        return denominator == 0 ? 0 : (tp * tn - fp * fn) / denominator;
    }

    /// <summary>The curve points at every distinct score (descending), as sklearn's _binary_clf_curve:
    /// (threshold, false positives, true positives) with tied scores entering together.</summary>
    public static List<(double Threshold, int FalsePositives, int TruePositives)> Thresholds(IReadOnlyList<int> labels, IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, labels.Count).OrderByDescending(i => scores[i]).ToArray();
        var points = new List<(double, int, int)>();
        int tp = 0, fp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            if (labels[order[k]] == 1) tp++; else fp++;
            if (k == order.Length - 1 || scores[order[k + 1]] != scores[order[k]])
                points.Add((scores[order[k]], fp, tp));
        }
        return points;
    }

    /// <summary>ROC curve (FPR, TPR) from (0, 0), and its area by the trapezoid rule (ties give diagonal segments,
    /// so AUC = P(score⁺ > score⁻) + ½ P(score⁺ = score⁻)).</summary>
    public static (double[] Fpr, double[] Tpr, double Auc) Roc(IReadOnlyList<int> labels, IReadOnlyList<double> scores)
    {
        var points = Thresholds(labels, scores);
        int positives = labels.Count(l => l == 1), negatives = labels.Count - positives;
        var fpr = new[] { 0.0 }.Concat(points.Select(p => Ratio(p.FalsePositives, negatives))).ToArray();
        var tpr = new[] { 0.0 }.Concat(points.Select(p => Ratio(p.TruePositives, positives))).ToArray();
        double auc = 0;
        for (int i = 1; i < fpr.Length; i++) auc += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        return (fpr, tpr, auc);
    }

    /// <summary>Precision-recall curve and average precision: AP = Σ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds
    /// (sklearn's average_precision_score, no interpolation).</summary>
    public static (double[] Precision, double[] Recall, double AveragePrecision) PrecisionRecall(IReadOnlyList<int> labels, IReadOnlyList<double> scores)
    {
        var points = Thresholds(labels, scores);
        int positives = labels.Count(l => l == 1);
        var precision = points.Select(p => Ratio(p.TruePositives, p.TruePositives + p.FalsePositives)).ToArray();
        var recall = points.Select(p => Ratio(p.TruePositives, positives)).ToArray();
        double ap = 0, previousRecall = 0;
        for (int i = 0; i < points.Count; i++)
        {
            ap += (recall[i] - previousRecall) * precision[i];
            previousRecall = recall[i];
        }
        return (precision, recall, ap);
    }
}
