using System.Globalization;
using MalariaLab.Foundation.Metrics;
using ScottPlot;

namespace MalariaLab.Scoring.Figures;

/// <summary>The precision-recall curve of the Parasitized class with its average precision, the prevalence baseline
/// (what a random ranking scores), and the operating point at the threshold.</summary>
public static class PrecisionRecallFigure
{
    public static readonly Figure Definition = new("precision_recall.png", Figure.Result,
        _ => "Precision-recall curve (Parasitized) with the prevalence baseline and the operating point", Draw);

    static bool Draw(FigureContext c, string path)
    {
        var (labels, scores) = Scores.Of(c.Predictions);
        var (precision, recall, ap) = BinaryMetrics.PrecisionRecall(labels, scores);
        double prevalence = labels.Length == 0 ? 0 : labels.Average();
        var confusion = c.Metrics.Confusion;
        var plot = new Plot();
        var curve = plot.Add.ScatterLine(recall, precision);
        curve.LineWidth = 2;
        curve.LegendText = $"precision-recall, AP = {ap:F4}";
        var baseline = plot.Add.HorizontalLine(prevalence, 1, Colors.Gray, LinePattern.Dashed);
        baseline.LegendText = $"prevalence baseline {prevalence:F3}";
        plot.Add.Marker(BinaryMetrics.Recall(confusion), BinaryMetrics.Precision(confusion), MarkerShape.FilledCircle, 12, Colors.Red).LegendText =
            $"threshold {c.Metrics.Threshold.ToString(CultureInfo.InvariantCulture)}";
        plot.Title("Precision-recall curve (Parasitized)");
        plot.XLabel("recall (sensitivity)");
        plot.YLabel("precision");
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.05);
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, Plots.Width, Plots.Height);
        return true;
    }
}
