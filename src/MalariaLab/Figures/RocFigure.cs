using MalariaLab.Metrics;
using ScottPlot;

namespace MalariaLab.Figures;

/// <summary>The ROC curve with its area.</summary>
public static class RocFigure
{
    public static readonly Figure Definition = new("roc.png", Figure.Result, _ => "ROC curve", Draw);

    static bool Draw(FigureContext c, string path)
    {
        var (labels, scores) = Scores.Of(c.Predictions);
        var (fpr, tpr, auc) = BinaryMetrics.Roc(labels, scores);
        var plot = new Plot();
        plot.Add.Scatter(fpr, tpr).LegendText = $"AUC = {auc:F4}";
        plot.Add.Line(0, 0, 1, 1).LinePattern = LinePattern.Dashed;
        plot.Title("ROC curve");
        plot.XLabel("false positive rate (1 - specificity)");
        plot.YLabel("true positive rate (sensitivity)");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Plots.Width, Plots.Height);
        return true;
    }
}
