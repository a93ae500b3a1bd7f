namespace MalariaLab.Foundation.Metrics;

/// <summary>One scored image: its true label, the model's probability and the label at the threshold.</summary>
public sealed record ScoredImage(string Path, string Label, string Patient, double ProbabilityParasitized, string Predicted);

/// <summary>metrics.json: every headline metric of the registry (full precision, registry order), the confusion
/// counts and the classification report.</summary>
public sealed record EvaluationMetrics(
    string Subset, int Images, double Threshold, string Weights,
    IReadOnlyDictionary<string, double> Metrics, Confusion Confusion, ClassificationReport Report)
{
    public double this[string metric] => Metrics.TryGetValue(metric, out double v)
        ? v : throw new KeyNotFoundException($"metric '{metric}' is not in this metrics.json (known: {string.Join(", ", Metrics.Keys)})");

    [System.Text.Json.Serialization.JsonIgnore] public double Accuracy => this["accuracy"];
    [System.Text.Json.Serialization.JsonIgnore] public double RocAuc => this["roc_auc"];
    [System.Text.Json.Serialization.JsonIgnore] public double Sensitivity => this["sensitivity"];
    [System.Text.Json.Serialization.JsonIgnore] public double Specificity => this["specificity"];

    /// <summary>Scores predictions at a threshold: every registered metric, the confusion matrix and the report.
    /// Operating points are chosen on <paramref name="chosenOn"/> (the validation subset), or on the predictions
    /// themselves when it is null.</summary>
    public static EvaluationMetrics Compute(IReadOnlyList<ScoredImage> predictions, string subset, double threshold, string weights, ScoredLabels? chosenOn = null)
    {
        var labels = predictions.Select(p => p.Label == "Parasitized" ? 1 : 0).ToArray();
        var scores = predictions.Select(p => p.ProbabilityParasitized).ToArray();
        var input = new MetricInput(labels, scores, threshold, Confusion.At(labels, scores, threshold),
            predictions.Select(p => p.Patient).ToArray(), chosenOn ?? new ScoredLabels(labels, scores));
        var values = new Dictionary<string, double>();
        foreach (var metric in MetricRegistry.All) values[metric.Name] = metric.Compute(input);
        return new EvaluationMetrics(subset, predictions.Count, threshold, weights, values, input.Confusion, ClassificationReport.From(input.Confusion));
    }
}
