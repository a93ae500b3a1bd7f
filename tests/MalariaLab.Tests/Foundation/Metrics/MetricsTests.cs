using MalariaLab.Foundation.Metrics;

namespace MalariaLab.Tests.Foundation.Metrics;

public class MetricsTests
{
    [Fact]
    public void Roc_auc_and_average_precision_match_sklearn_doc_examples()
    {
        // sklearn docs: roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.75; average_precision_score(...) = 0.8333...
        int[] y = [0, 0, 1, 1];
        double[] s = [0.1, 0.4, 0.35, 0.8];
        Assert.Equal(0.75, BinaryMetrics.Roc(y, s).Auc, 12);
        Assert.Equal(5.0 / 6.0, BinaryMetrics.PrecisionRecall(y, s).AveragePrecision, 12);
    }

    [Fact]
    public void Tied_scores_count_half_in_auc_and_enter_together_in_ap()
    {
        // By hand: positives {0.5, 0.7}, negatives {0.5, 0.2}; pairs: tie (½) + 3 wins → AUC 3.5 / 4.
        // AP: thresholds 0.7 (P 1, R ½), 0.5 (P ⅔, R 1), 0.2 (P ½, R 1) → ½·1 + ½·⅔ = ⅚.
        int[] y = [0, 1, 1, 0];
        double[] s = [0.5, 0.5, 0.7, 0.2];
        Assert.Equal(0.875, BinaryMetrics.Roc(y, s).Auc, 12);
        Assert.Equal(5.0 / 6.0, BinaryMetrics.PrecisionRecall(y, s).AveragePrecision, 12);
        var roc = BinaryMetrics.Roc(y, s);
        Assert.Equal([0, 0, 0.5, 1], roc.Fpr);
        Assert.Equal([0, 0.5, 1, 1], roc.Tpr);
    }

    [Fact]
    public void Confusion_derived_metrics_equal_hand_computed_values()
    {
        // TP 3, FP 1, TN 4, FN 2.
        var c = new Confusion(3, 1, 4, 2);
        Assert.Equal(0.7, BinaryMetrics.Accuracy(c), 12);
        Assert.Equal(0.75, BinaryMetrics.Precision(c), 12);
        Assert.Equal(0.6, BinaryMetrics.Recall(c), 12);
        Assert.Equal(0.8, BinaryMetrics.Specificity(c), 12);
        Assert.Equal(2 * 0.75 * 0.6 / 1.35, BinaryMetrics.F1(0.75, 0.6), 12);
        Assert.Equal((12.0 - 2.0) / Math.Sqrt(4 * 5 * 5 * 6), BinaryMetrics.Matthews(c), 12); // (TP·TN − FP·FN)/√(...)
        Assert.Equal(0, BinaryMetrics.Matthews(new Confusion(0, 0, 5, 0)));
    }

    [Fact]
    public void Threshold_is_inclusive()
    {
        Assert.Equal(new Confusion(1, 1, 0, 0), Confusion.At([1, 0], [0.5, 0.5], 0.5));
        Assert.Equal(new Confusion(0, 0, 1, 1), Confusion.At([1, 0], [0.5, 0.5], 0.51));
    }

    [Fact]
    public void Classification_report_has_sklearns_layout_and_numbers()
    {
        // y_true = [P,P,P,P,P,U,U,U,U,U], predictions giving TP 3, FN 2, FP 1, TN 4 (P = Parasitized):
        // sklearn.metrics.classification_report(y_true, y_pred) prints exactly this.
        var report = ClassificationReport.From(new Confusion(3, 1, 4, 2));
        const string expected =
            "              precision    recall  f1-score   support\n" +
            "\n" +
            " Parasitized       0.75      0.60      0.67         5\n" +
            "  Uninfected       0.67      0.80      0.73         5\n" +
            "\n" +
            "    accuracy                           0.70        10\n" +
            "   macro avg       0.71      0.70      0.70        10\n" +
            "weighted avg       0.71      0.70      0.70        10\n";
        Assert.Equal(expected, report.ToText());
        Assert.Equal(2.0 / 3.0, report.Classes[1].Precision, 12);
    }
}
