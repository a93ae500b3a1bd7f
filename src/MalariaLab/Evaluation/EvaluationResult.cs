namespace MalariaLab.Evaluation;

public sealed record Prediction(string Path, string Label, string Patient, double ProbabilityParasitized, string Predicted);

/// <summary>metrics.json: every number at full precision.</summary>
public sealed record EvaluationMetrics(
    string Subset, int Images, double Threshold, string Weights,
    double Accuracy, double Sensitivity, double Specificity, double Matthews, double RocAuc, double AveragePrecision,
    Confusion Confusion, ClassificationReport Report);
