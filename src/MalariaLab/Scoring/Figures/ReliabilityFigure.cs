using MalariaLab.Foundation.Metrics;
using ScottPlot;

namespace MalariaLab.Scoring.Figures;

/// <summary>The reliability diagram: per probability bin, the fraction of cells that really are Parasitized against
/// the mean predicted probability; a calibrated model lies on the diagonal. One colour for every bin; marker size follows the bin's count (said in the legend).</summary>
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
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.Color = Colors.Gray;
        diagonal.LegendText = "perfectly calibrated";
        var colour = Colors.C0;
        var line = plot.Add.ScatterLine(bins.Select(b => b.MeanProbability).ToArray(), bins.Select(b => b.FractionPositive).ToArray(), colour);
        line.LegendText = $"model: ECE = {c.Metrics.Metrics.GetValueOrDefault("ece"):F4}, Brier = {c.Metrics.Metrics.GetValueOrDefault("brier"):F4}";
        // One colour for every bin; the marker's size says how many cells the bin holds (most cells sit in the end bins).
        int most = bins.Max(b => b.Count);
        foreach (var b in bins) plot.Add.Marker(b.MeanProbability, b.FractionPositive, MarkerShape.FilledCircle, 6 + 14f * b.Count / most, colour);
        plot.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledCircle, 10, colour).LegendText = $"bin (marker size: cells in it, at most {most:N0})";
        plot.Title("Reliability diagram");
        plot.XLabel("mean predicted P(Parasitized) in the bin");
        plot.YLabel("fraction Parasitized in the bin");
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Plots.Width, Plots.Height);
        return true;
    }
}
