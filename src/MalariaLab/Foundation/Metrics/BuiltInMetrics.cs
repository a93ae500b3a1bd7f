namespace MalariaLab.Foundation.Metrics;

/// <summary>The six headline metrics the pipeline has always reported (formulas in <see cref="BinaryMetrics"/>).</summary>
public static class BuiltInMetrics
{
    public static readonly HeadlineMetric Accuracy = new("accuracy", "(TP + TN) / N at the threshold", m => BinaryMetrics.Accuracy(m.Confusion)) { InCompactTables = true };
    public static readonly HeadlineMetric RocAuc = new("roc_auc", "area under the ROC curve (threshold-free)", m => BinaryMetrics.Roc(m.Labels, m.Scores).Auc) { InCompactTables = true };
    public static readonly HeadlineMetric AveragePrecision = new("average_precision", "area under the precision-recall curve, as sklearn's average_precision_score",
        m => BinaryMetrics.PrecisionRecall(m.Labels, m.Scores).AveragePrecision);
    public static readonly HeadlineMetric Sensitivity = new("sensitivity", "TP / (TP + FN): Parasitized cells found", m => BinaryMetrics.Recall(m.Confusion)) { InCompactTables = true };
    public static readonly HeadlineMetric Specificity = new("specificity", "TN / (TN + FP): Uninfected cells cleared", m => BinaryMetrics.Specificity(m.Confusion)) { InCompactTables = true };
    public static readonly HeadlineMetric Matthews = new("matthews", "Matthews correlation coefficient", m => BinaryMetrics.Matthews(m.Confusion));
}
