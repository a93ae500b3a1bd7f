using MalariaLab.Metrics;
using ScottPlot;

namespace MalariaLab.Figures;

/// <summary>The precision-recall curve of the Parasitized class with its average precision.</summary>
public static class PrecisionRecallFigure
{
    public static readonly Figure Definition = new("precision_recall.png", Figure.Result, _ => "Precision-recall curve (Parasitized)", Draw);

    static bool Draw(FigureContext c, string path)
    {
        var (labels, scores) = Scores.Of(c.Predictions);
        var (precision, recall, ap) = BinaryMetrics.PrecisionRecall(labels, scores);
        var plot = new Plot();
        plot.Add.Scatter(recall, precision).LegendText = $"AP = {ap:F4}";
        plot.Title("Precision-recall curve (Parasitized)");
        plot.XLabel("recall");
        plot.YLabel("precision");
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, Plots.Width, Plots.Height);
        return true;
    }
}
