using MalariaLab.Foundation.Metrics;

namespace MalariaLab.Scoring.Figures;

/// <summary>Shared sizes of the chart figures.</summary>
public static class Plots
{
    public const int Width = 800, Height = 500;
}

/// <summary>Predictions as the 0/1 labels and scores the curve functions take.</summary>
public static class Scores
{
    public static (int[] Labels, double[] Scores) Of(IReadOnlyList<ScoredImage> predictions) =>
        (predictions.Select(p => p.Label == "Parasitized" ? 1 : 0).ToArray(), predictions.Select(p => p.ProbabilityParasitized).ToArray());
}
