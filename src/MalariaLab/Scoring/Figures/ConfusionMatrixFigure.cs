using System.Globalization;
using MalariaLab.Foundation.Metrics;
using ScottPlot;

namespace MalariaLab.Scoring.Figures;

/// <summary>The confusion matrix as a reader expects it: rows the actual class, columns the predicted one, both named
/// Parasitized / Uninfected as everywhere else; each cell shaded by its own count (darker = more), with the count and
/// its share of the row. Cells are drawn as rectangles in data coordinates, so colour, text and labels cannot disagree.</summary>
public static class ConfusionMatrixFigure
{
    public static readonly Figure Definition = new("confusion_matrix.png", Figure.Result,
        _ => "Confusion matrix at the threshold (rows: actual class, columns: predicted; count and row percentage)", (c, path) =>
        {
            Render(c.Metrics.Confusion, path);
            return true;
        });

    public static readonly string[] Classes = ["Parasitized", "Uninfected"];
    public const int Width = 640, Height = 540;

    /// <summary>Where a cell and a label sit in the saved image, for reading it back.</summary>
    public sealed record Layout(Dictionary<(int Row, int Column), (float X, float Y)> CellCorner, Dictionary<string, float> ColumnLabelX, Dictionary<string, float> RowLabelY);

    /// <summary>counts[row, column]: row = actual, column = predicted, index 0 = Parasitized.</summary>
    public static int[,] Counts(Confusion c) => new[,] { { c.TruePositive, c.FalseNegative }, { c.FalsePositive, c.TrueNegative } };

    public static Layout Render(Confusion confusion, string path)
    {
        var counts = Counts(confusion);
        double max = Math.Max(1, counts.Cast<int>().Max());
        var plot = new Plot();
        var corners = new Dictionary<(int, int), Coordinates>();
        for (int row = 0; row < 2; row++)
        {
            int rowTotal = counts[row, 0] + counts[row, 1];
            for (int column = 0; column < 2; column++)
            {
                // Row 0 (actual Parasitized) on top: y from 1 to 2.
                double left = column, bottom = 1 - row;
                double share = counts[row, column] / max;
                var cell = plot.Add.Rectangle(left, left + 1, bottom, bottom + 1);
                cell.FillStyle.Color = Shade(share);
                cell.LineStyle.Color = Colors.White;
                cell.LineStyle.Width = 2;
                string percent = rowTotal == 0 ? "–" : (100.0 * counts[row, column] / rowTotal).ToString("F1", CultureInfo.InvariantCulture) + "%";
                var text = plot.Add.Text($"{counts[row, column]:N0}\n{percent} of row", left + 0.5, bottom + 0.5);
                text.LabelFontSize = 24;
                text.LabelBold = true;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = share > 0.45 ? Colors.White : Colors.Black; // readable on dark and on light cells
                corners[(row, column)] = new Coordinates(left + 0.12, bottom + 0.88);
            }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([0.5, 1.5], Classes);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([1.5, 0.5], Classes);
        plot.Axes.SetLimits(0, 2, 0, 2);
        plot.XLabel("predicted class");
        plot.YLabel("actual class");
        plot.Title("Confusion matrix");
        plot.Grid.IsVisible = false;
        plot.SavePng(path, Width, Height);
        return new Layout(
            corners.ToDictionary(p => p.Key, p => { var px = plot.GetPixel(p.Value); return (px.X, px.Y); }),
            new Dictionary<string, float> { [Classes[0]] = plot.GetPixel(new Coordinates(0.5, 1)).X, [Classes[1]] = plot.GetPixel(new Coordinates(1.5, 1)).X },
            new Dictionary<string, float> { [Classes[0]] = plot.GetPixel(new Coordinates(1, 1.5)).Y, [Classes[1]] = plot.GetPixel(new Coordinates(1, 0.5)).Y });
    }

    /// <summary>White-blue (0) to dark navy (1), monotonic in lightness (matplotlib's "Blues" end points).</summary>
    public static Color Shade(double share)
    {
        share = Math.Clamp(share, 0, 1);
        byte Mix(byte light, byte dark) => (byte)Math.Round(light + (dark - light) * share);
        return new Color(Mix(247, 8), Mix(251, 48), Mix(255, 107));
    }
}
