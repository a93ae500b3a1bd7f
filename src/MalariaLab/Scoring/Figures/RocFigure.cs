using System.Globalization;
using MalariaLab.Foundation.Metrics;
using ScottPlot;

namespace MalariaLab.Scoring.Figures;

/// <summary>The ROC curve with its area, the chance diagonal, and the operating point at the evaluation threshold.</summary>
public static class RocFigure
{
    public static readonly Figure Definition = new("roc.png", Figure.Result, _ => "ROC curve with the operating point at the threshold", Draw);

    static bool Draw(FigureContext c, string path)
    {
        var (labels, scores) = Scores.Of(c.Predictions);
        var (fpr, tpr, auc) = BinaryMetrics.Roc(labels, scores);
        var confusion = c.Metrics.Confusion;
        double pointFpr = 1 - BinaryMetrics.Specificity(confusion), pointTpr = BinaryMetrics.Recall(confusion);
        var plot = new Plot();
        // One line through every threshold's point, without a marker at each (thousands would draw a thick band).
        var curve = plot.Add.ScatterLine(fpr, tpr);
        curve.LineWidth = 2;
        curve.LegendText = $"ROC, AUC = {auc:F4}";
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.Color = Colors.Gray;
        chance.LegendText = "chance (AUC 0.5)";
        var point = plot.Add.Marker(pointFpr, pointTpr, MarkerShape.FilledCircle, 12, Colors.Red);
        point.LegendText = $"threshold {c.Metrics.Threshold.ToString(CultureInfo.InvariantCulture)}: sensitivity {pointTpr:F3}, 1 - specificity {pointFpr:F3}";
        plot.Title("ROC curve");
        plot.XLabel("false positive rate (1 - specificity)");
        plot.YLabel("true positive rate (sensitivity)");
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Plots.Width, Plots.Height);
        return true;
    }
}
