namespace MalariaLab.Evaluation;

public sealed record Prediction(string Path, string Label, string Patient, double ProbabilityParasitized, string Predicted);

/// <summary>metrics.json: every number at full precision.</summary>
public sealed record EvaluationMetrics(
    string Subset, int Images, double Threshold, string Weights,
    double Accuracy, double Sensitivity, double Specificity, double Matthews, double RocAuc, double AveragePrecision,
    Confusion Confusion, ClassificationReport Report)
{
    /// <summary>The headline numbers summaries and comparisons show, in one place.</summary>
    public static readonly IReadOnlyList<(string Name, Func<EvaluationMetrics, double> Get)> Headline =
    [
        ("accuracy", m => m.Accuracy), ("roc_auc", m => m.RocAuc), ("average_precision", m => m.AveragePrecision),
        ("sensitivity", m => m.Sensitivity), ("specificity", m => m.Specificity), ("matthews", m => m.Matthews),
    ];
}
