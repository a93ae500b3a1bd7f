using MalariaLab.Scoring.Figures;

namespace MalariaLab.Tests.Extending;

/// <summary>A new figure, written as README's "Extending" says: one file with its definition and drawing.</summary>
public static class ToyFigure
{
    public static readonly Figure Definition = new("toy_scores.png", Figure.Result, _ => "Toy: one grey tile per scored image", Draw);

    static bool Draw(FigureContext context, string path)
    {
        var tiles = context.Predictions.Select(p => Enumerable.Repeat((byte)(p.ProbabilityParasitized * 255), 4 * 4 * 3).ToArray()).ToList();
        ImageGrid.Save(tiles, 4, 8, 8, path);
        return true;
    }
}
