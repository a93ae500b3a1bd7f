using MalariaLab.Foundation.Runs;
using ScottPlot;

namespace MalariaLab.Scoring.Figures;

/// <summary>Loss and accuracy per epoch, train and validation, with labelled axes, whole-epoch ticks and the best
/// epoch (the checkpoint Evaluate uses) marked by a line and a point.</summary>
public static class TrainingCurveFigures
{
    public static readonly Figure Loss = new("loss.png", Figure.Training, _ => "Loss per epoch, train and validation (dashed line: the best epoch)",
        (c, path) => Draw(c, path, "Loss", "binary cross-entropy", h => h.Loss, h => h.ValLoss));

    public static readonly Figure Accuracy = new("accuracy.png", Figure.Training, _ => "Accuracy per epoch, train and validation (dashed line: the best epoch)",
        (c, path) => Draw(c, path, "Accuracy", "accuracy (threshold 0.5)", h => h.Accuracy, h => h.ValAccuracy));

    // The legend sits below the plot, where no curve and no best-epoch line can run under it.
    static bool Draw(FigureContext c, string path, string title, string yLabel, Func<EpochMetrics, double> train, Func<EpochMetrics, double> validation)
    {
        if (c.History.Count == 0) return false;
        double[] epochs = c.History.Select(h => (double)h.Epoch).ToArray();
        int best = c.Manifest.BestEpoch ?? 0;
        var plot = new Plot();
        plot.Add.Scatter(epochs, c.History.Select(train).ToArray()).LegendText = "train";
        plot.Add.Scatter(epochs, c.History.Select(validation).ToArray()).LegendText = "validation";
        if (c.History.FirstOrDefault(h => h.Epoch == best) is { } at)
        {
            plot.Add.VerticalLine(best, 1, Colors.Gray, LinePattern.Dashed).LegendText = $"best epoch {best}";
            plot.Add.Marker(best, validation(at), MarkerShape.OpenCircle, 14, Colors.Black);
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, Plots.Width, Plots.Height);
        return true;
    }
}
