using MalariaLab.Scoring.Figures;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MalariaLab.Tests.Scoring.Figures;

/// <summary>Reads the saved PNG back: the largest count is the darkest cell, shading follows the counts, and each
/// class label sits over the cells that the counts say belong to it.</summary>
public class ConfusionMatrixFigureTests
{
    static double Luminance(Rgba32 p) => 0.2126 * p.R + 0.7152 * p.G + 0.0722 * p.B;

    [Theory]
    [InlineData(341, 164, 140, 50)]  // the report's example: 164 was drawn near black, 140 white, 341 mid-blue
    [InlineData(12, 300, 7, 90)]
    public void Shading_follows_the_counts_and_labels_sit_where_the_counts_say(int tp, int fn, int fp, int tn)
    {
        using var temp = new TempFolder();
        var confusion = new Confusion(tp, fp, tn, fn);
        var layout = ConfusionMatrixFigure.Render(confusion, temp.File("cm.png"));
        using var image = Image.Load<Rgba32>(temp.File("cm.png"));
        Assert.Equal((ConfusionMatrixFigure.Width, ConfusionMatrixFigure.Height), (image.Width, image.Height));

        // Sample each cell near its top-left corner (away from its text), located from the label positions alone.
        string[] classes = ConfusionMatrixFigure.Classes;
        float cellWidth = layout.ColumnLabelX[classes[1]] - layout.ColumnLabelX[classes[0]];
        float cellHeight = layout.RowLabelY[classes[1]] - layout.RowLabelY[classes[0]];
        Assert.True(cellWidth > 100 && cellHeight > 100, "Uninfected must be right of and below Parasitized");
        var counts = ConfusionMatrixFigure.Counts(confusion);
        var shade = new Dictionary<int, double>();
        int max = counts.Cast<int>().Max();
        for (int row = 0; row < 2; row++)
            for (int column = 0; column < 2; column++)
            {
                int x = (int)(layout.ColumnLabelX[classes[column]] - 0.38 * cellWidth), y = (int)(layout.RowLabelY[classes[row]] - 0.38 * cellHeight);
                var pixel = image[x, y];
                var expected = ConfusionMatrixFigure.Shade((double)counts[row, column] / max);
                Assert.True(Math.Abs(pixel.R - expected.R) <= 3 && Math.Abs(pixel.G - expected.G) <= 3 && Math.Abs(pixel.B - expected.B) <= 3,
                    $"cell actual {classes[row]} / predicted {classes[column]} ({counts[row, column]}) at ({x},{y}) is {pixel}, expected {expected}");
                shade[counts[row, column]] = Luminance(pixel);
                // The drawn cell is the one under these labels.
                var corner = layout.CellCorner[(row, column)];
                Assert.InRange(corner.X, layout.ColumnLabelX[classes[column]] - cellWidth / 2, layout.ColumnLabelX[classes[column]]);
                Assert.InRange(corner.Y, layout.RowLabelY[classes[row]] - cellHeight / 2, layout.RowLabelY[classes[row]]);
            }
        var byCount = shade.OrderBy(p => p.Key).Select(p => p.Value).ToList();
        Assert.Equal(byCount.OrderByDescending(v => v), byCount); // more = darker, for every pair
        Assert.Equal(shade[max], shade.Values.Min());
    }
}
