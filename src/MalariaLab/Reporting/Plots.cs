using MalariaLab.Training;
using ScottPlot;

namespace MalariaLab.Reporting;

/// <summary>The run's charts as PNGs (ScottPlot). Each function writes one file of a fixed size.</summary>
public static class Plots
{
    public const int Width = 800, Height = 500;

    public static void TrainingCurves(IReadOnlyList<EpochMetrics> history, int bestEpoch, string lossPath, string accuracyPath)
    {
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        // Legends go where the curves are not: losses fall (upper right is empty), accuracies rise (lower right is).
        void Curve(string path, string title, double[] train, double[] validation, Alignment legend)
        {
            var plot = new Plot();
            plot.Add.Scatter(epochs, train).LegendText = "train";
            plot.Add.Scatter(epochs, validation).LegendText = "validation";
            if (bestEpoch > 0) plot.Add.VerticalLine(bestEpoch, 1, Colors.Gray, LinePattern.Dashed).LegendText = $"best epoch {bestEpoch}";
            plot.Title(title);
            plot.XLabel("epoch");
            plot.ShowLegend(legend);
            plot.SavePng(path, Width, Height);
        }
        Curve(lossPath, "Loss", history.Select(h => h.Loss).ToArray(), history.Select(h => h.ValLoss).ToArray(), Alignment.UpperRight);
        Curve(accuracyPath, "Accuracy", history.Select(h => h.Accuracy).ToArray(), history.Select(h => h.ValAccuracy).ToArray(), Alignment.LowerRight);
    }

    /// <summary>Rows: actual, columns: predicted; labelled Malaria / Healthy as in the notebook.</summary>
    public static void ConfusionMatrix(Evaluation.Confusion c, string path)
    {
        var plot = new Plot();
        var counts = new double[,] { { c.TruePositive, c.FalseNegative }, { c.FalsePositive, c.TrueNegative } };
        var heatmap = plot.Add.Heatmap(counts);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues();
        heatmap.FlipVertically = true;
        double max = Math.Max(1, counts.Cast<double>().Max());
        for (int row = 0; row < 2; row++)
            for (int col = 0; col < 2; col++)
            {
                var text = plot.Add.Text(counts[row, col].ToString("N0"), col, 1 - row);
                text.LabelFontSize = 28;
                text.LabelFontColor = counts[row, col] > max / 2 ? Colors.White : Colors.Black;
                text.LabelAlignment = Alignment.MiddleCenter;
            }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([0, 1], ["Malaria", "Healthy"]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([1, 0], ["Malaria", "Healthy"]);
        plot.XLabel("predicted");
        plot.YLabel("actual");
        plot.Title("Confusion matrix");
        plot.SavePng(path, 600, 500);
    }

    public static void Roc(double[] fpr, double[] tpr, double auc, string path)
    {
        var plot = new Plot();
        plot.Add.Scatter(fpr, tpr).LegendText = $"AUC = {auc:F4}";
        plot.Add.Line(0, 0, 1, 1).LinePattern = LinePattern.Dashed;
        plot.Title("ROC curve");
        plot.XLabel("false positive rate (1 - specificity)");
        plot.YLabel("true positive rate (sensitivity)");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Width, Height);
    }

    public static void PrecisionRecall(double[] precision, double[] recall, double ap, string path)
    {
        var plot = new Plot();
        plot.Add.Scatter(recall, precision).LegendText = $"AP = {ap:F4}";
        plot.Title("Precision-recall curve (Parasitized)");
        plot.XLabel("recall");
        plot.YLabel("precision");
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, Width, Height);
    }
}
