using ScottPlot;

namespace MalariaLab.Figures;

/// <summary>Rows: actual, columns: predicted; labelled Malaria / Healthy as in the notebook.</summary>
public static class ConfusionMatrixFigure
{
    public static readonly Figure Definition = new("confusion_matrix.png", Figure.Result, _ => "Confusion matrix at the threshold", Draw);

    static bool Draw(FigureContext context, string path)
    {
        var c = context.Metrics.Confusion;
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
        return true;
    }
}
