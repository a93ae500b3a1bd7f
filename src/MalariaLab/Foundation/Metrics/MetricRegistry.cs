namespace MalariaLab.Foundation.Metrics;

/// <summary>What a metric is computed from: true labels (1 = Parasitized), probabilities, the threshold and the
/// confusion counts at it, each image's patient, and the labelled scores operating points are chosen on (the
/// validation subset; the scored data itself when there is none).</summary>
public sealed record MetricInput(int[] Labels, double[] Scores, double Threshold, Confusion Confusion, string[] Patients, ScoredLabels ChosenOn);

/// <summary>A headline metric: its name (a metrics.json key and a column in summaries and comparisons), what it
/// means, and how it is computed.</summary>
public sealed record HeadlineMetric(string Name, string Description, Func<MetricInput, double> Compute)
{
    /// <summary>Shown in the compact tables too (cross-validation comparisons, evaluation and ensemble pages), not only
    /// in metrics.json and the full reports.</summary>
    public bool InCompactTables { get; init; }
}

/// <summary>The headline metrics, in the order reports, cross-validation summaries and Compare show them. Adding
/// one is a new file with its formula and one line here.</summary>
public static class MetricRegistry
{
    static readonly List<HeadlineMetric> Metrics =
    [
        BuiltInMetrics.Accuracy, BuiltInMetrics.RocAuc, BuiltInMetrics.AveragePrecision,
        BuiltInMetrics.Sensitivity, BuiltInMetrics.Specificity, BuiltInMetrics.Matthews,
        CalibrationMetrics.Brier, CalibrationMetrics.Ece,
        ClinicalMetrics.SensitivityAt99Specificity, ClinicalMetrics.SpecificityAt99Sensitivity, ClinicalMetrics.PatientFractionMae,
    ];

    public static IReadOnlyList<HeadlineMetric> All { get { lock (Metrics) return [.. Metrics]; } }

    /// <summary>The names every compact table shows, in registry order (accuracy, roc_auc, sensitivity, specificity).</summary>
    public static IReadOnlyList<string> Compact => [.. All.Where(m => m.InCompactTables).Select(m => m.Name)];

    public static void Register(HeadlineMetric metric)
    {
        lock (Metrics)
        {
            if (Metrics.Any(m => m.Name == metric.Name)) throw new InvalidOperationException($"metric '{metric.Name}' is already registered");
            Metrics.Add(metric);
        }
    }
}
