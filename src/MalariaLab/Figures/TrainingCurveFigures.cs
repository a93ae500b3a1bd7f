using MalariaLab.Runs;
using ScottPlot;

namespace MalariaLab.Figures;

/// <summary>Loss and accuracy per epoch, train and validation, with the best epoch marked.</summary>
public static class TrainingCurveFigures
{
    public static readonly Figure Loss = new("loss.png", Figure.Training, _ => "Loss per epoch (train and validation)",
        (c, path) => Draw(c, path, "Loss", h => h.Loss, h => h.ValLoss, Alignment.UpperRight));

    public static readonly Figure Accuracy = new("accuracy.png", Figure.Training, _ => "Accuracy per epoch (train and validation)",
        (c, path) => Draw(c, path, "Accuracy", h => h.Accuracy, h => h.ValAccuracy, Alignment.LowerRight));

    // Legends go where the curves are not: losses fall (upper right is empty), accuracies rise (lower right is).
    static bool Draw(FigureContext c, string path, string title, Func<EpochMetrics, double> train, Func<EpochMetrics, double> validation, Alignment legend)
    {
        if (c.History.Count == 0) return false;
        double[] epochs = c.History.Select(h => (double)h.Epoch).ToArray();
        int best = c.Manifest.BestEpoch ?? 0;
        var plot = new Plot();
        plot.Add.Scatter(epochs, c.History.Select(train).ToArray()).LegendText = "train";
        plot.Add.Scatter(epochs, c.History.Select(validation).ToArray()).LegendText = "validation";
        if (best > 0) plot.Add.VerticalLine(best, 1, Colors.Gray, LinePattern.Dashed).LegendText = $"best epoch {best}";
        plot.Title(title);
        plot.XLabel("epoch");
        plot.ShowLegend(legend);
        plot.SavePng(path, Plots.Width, Plots.Height);
        return true;
    }
}
