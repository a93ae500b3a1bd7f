using System.Globalization;
using MalariaLab.Common;

namespace MalariaLab.Figures;

/// <summary>The ten most confident mistakes, with their paths and probabilities in mistakes.csv beside the PNG.</summary>
public static class MistakesFigure
{
    public static readonly Figure Definition = new("mistakes.png", Figure.Learned,
        _ => "Most confident mistakes (paths and probabilities in `plots/mistakes.csv`)", Draw);

    static bool Draw(FigureContext c, string path)
    {
        var p = c.Predictions;
        var mistakes = Enumerable.Range(0, p.Count).Where(i => p[i].Predicted != p[i].Label)
            .OrderByDescending(i => Math.Abs(p[i].ProbabilityParasitized - 0.5)).Take(10).ToList();
        AtomicFile.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "mistakes.csv"), Csv.Write(["path", "label", "probability_parasitized"],
            mistakes.Select(i => (IReadOnlyList<string>)[p[i].Path, p[i].Label, p[i].ProbabilityParasitized.ToString("F4", CultureInfo.InvariantCulture)])));
        if (mistakes.Count == 0) return false;
        ImageGrid.Save(mistakes.Select(c.PredictionPixels).ToList(), c.Spec.Preprocess.Size, 5, 96, path);
        return true;
    }
}
