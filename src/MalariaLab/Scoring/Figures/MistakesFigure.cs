using System.Globalization;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Scoring.Figures;

/// <summary>The ten most confident mistakes, each captioned with its true label and the probability it got; paths and
/// probabilities are also in mistakes.csv beside the PNG.</summary>
public static class MistakesFigure
{
    public static readonly Figure Definition = new("mistakes.png", Figure.Learned,
        _ => "Most confident mistakes, captioned with the true label and P(Parasitized) (paths in `plots/mistakes.csv`)", Draw);

    static bool Draw(FigureContext c, string path)
    {
        var p = c.Predictions;
        var mistakes = Enumerable.Range(0, p.Count).Where(i => p[i].Predicted != p[i].Label)
            .OrderByDescending(i => Math.Abs(p[i].ProbabilityParasitized - c.Metrics.Threshold)).Take(10).ToList();
        AtomicFile.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "mistakes.csv"), Csv.Write(["path", "label", "probability_parasitized"],
            mistakes.Select(i => (IReadOnlyList<string>)[p[i].Path, p[i].Label, p[i].ProbabilityParasitized.ToString("F4", CultureInfo.InvariantCulture)])));
        if (mistakes.Count == 0) return false;
        var tiles = mistakes.Select(i => new Tile(c.PredictionPixels(i), c.Spec.Preprocess.Size,
            $"true {p[i].Label}\np={p[i].ProbabilityParasitized:F2}")).ToList();
        LabelledGrid.Save(tiles, 5, 110, $"Most confident mistakes at threshold {c.Metrics.Threshold.ToString(CultureInfo.InvariantCulture)}", path);
        return true;
    }
}
