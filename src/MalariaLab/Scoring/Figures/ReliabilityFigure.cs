using MalariaLab.Foundation.Metrics;
using ScottPlot;

namespace MalariaLab.Scoring.Figures;

/// <summary>The reliability diagram: per probability bin, the fraction of cells that really are Parasitized against
/// the mean predicted probability; a calibrated model lies on the diagonal. Marker size follows the bin's count.</summary>
public static class ReliabilityFigure
{
    public static readonly Figure Definition = new("reliability.png", Figure.Result,
        _ => "Reliability diagram: observed fraction Parasitized per probability bin (on the diagonal = calibrated)", Draw);

    static bool Draw(FigureContext c, string path)
    {
        var (labels, scores) = Scores.Of(c.Predictions);
        var bins = Calibration.Bins(labels, scores).Where(b => b.Count > 0).ToList();
        if (bins.Count == 0) return false;
        var plot = new Plot();
        plot.Add.Line(0, 0, 1, 1).LinePattern = LinePattern.Dashed;
        var line = plot.Add.Scatter(bins.Select(b => b.MeanProbability).ToArray(), bins.Select(b => b.FractionPositive).ToArray());
        line.LegendText = $"ECE = {c.Metrics.Metrics.GetValueOrDefault("ece"):F4}, Brier = {c.Metrics.Metrics.GetValueOrDefault("brier"):F4}";
        int most = bins.Max(b => b.Count);
        foreach (var b in bins) plot.Add.Marker(b.MeanProbability, b.FractionPositive, MarkerShape.FilledCircle, 6 + 14f * b.Count / most);
        plot.Title("Reliability diagram");
        plot.XLabel("mean predicted P(Parasitized) in the bin");
        plot.YLabel("fraction Parasitized in the bin");
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Plots.Width, Plots.Height);
        return true;
    }
}
