using CsCheck;
using MalariaLab.Foundation.Metrics;

namespace MalariaLab.Tests.Foundation.Metrics;

/// <summary>Operating points against their definition, enumerated by brute force over every candidate threshold, and
/// against hand-worked examples; the per-patient fraction error by hand.</summary>
public class OperatingPointsTests
{
    static (int Tp, int Fn, int Tn, int Fp) Count(int[] labels, double[] scores, double t)
    {
        int tp = 0, fn = 0, tn = 0, fp = 0;
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] == 1) { if (scores[i] >= t) tp++; else fn++; }
            else { if (scores[i] >= t) fp++; else tn++; }
        return (tp, fn, tn, fp);
    }

    static readonly Gen<(int[] Labels, double[] Scores)> Data =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 20].Select(k => k / 20.0)).Array[1, 300]
            .Select(pairs => (pairs.Select(p => p.Item1).ToArray(), pairs.Select(p => p.Item2).ToArray()));

    [Fact]
    public void The_specificity_threshold_is_the_lowest_candidate_that_holds_the_target()
    {
        Data.Sample(d =>
        {
            var chosenOn = new ScoredLabels(d.Labels, d.Scores);
            if (!d.Labels.Contains(0)) return;
            var candidates = d.Scores.Append(double.PositiveInfinity).Distinct().Order();
            double expected = candidates.First(t => { var c = Count(d.Labels, d.Scores, t); return c.Tn / (double)(c.Tn + c.Fp) >= 0.99 - 1e-12; });
            Assert.Equal(expected, OperatingPoints.ThresholdForSpecificity(chosenOn, 0.99));
        });
    }

    [Fact]
    public void The_sensitivity_threshold_is_the_highest_candidate_that_holds_the_target()
    {
        Data.Sample(d =>
        {
            var chosenOn = new ScoredLabels(d.Labels, d.Scores);
            if (!d.Labels.Contains(1)) return;
            double expected = d.Scores.Distinct().OrderDescending().First(t => { var c = Count(d.Labels, d.Scores, t); return c.Tp / (double)(c.Tp + c.Fn) >= 0.99 - 1e-12; });
            Assert.Equal(expected, OperatingPoints.ThresholdForSensitivity(chosenOn, 0.99));
        });
    }

    /// <summary>Chosen on one set, applied to another: 200 negatives 0.000..0.995 on validation allow 2 false positives
    /// (0.995 and 0.99), so the threshold is the first score above the third highest, 0.985: 0.99. On the scored data 1
    /// of 4 positives reaches it.</summary>
    [Fact]
    public void The_threshold_is_chosen_on_validation_and_applied_unchanged()
    {
        var validationScores = Enumerable.Range(0, 200).Select(i => i / 200.0).ToArray();
        var chosenOn = new ScoredLabels(new int[200], validationScores);
        Assert.Equal(0.99, OperatingPoints.ThresholdForSpecificity(chosenOn, 0.99));
        var scored = new List<ScoredImage>
        {
            new("a", "Parasitized", "P1", 0.99, "Parasitized"), new("b", "Parasitized", "P1", 0.985, "Parasitized"),
            new("c", "Parasitized", "P2", 0.98, "Parasitized"), new("d", "Parasitized", "P2", 0.5, "Parasitized"),
            new("e", "Uninfected", "P2", 0.1, "Uninfected"), new("f", "Uninfected", "P3", 0.7, "Parasitized"),
        };
        var metrics = EvaluationMetrics.Compute(scored, "test", 0.5, "w", chosenOn);
        Assert.Equal(0.25, metrics["sensitivity_at_99_specificity"]);
        // At 0.5: P1 2 of 2 called, 2 of 2 true (0); P2 2 of 3 called, 2 of 3 true (0); P3 1 of 1 called, 0 true (1).
        Assert.Equal(1 / 3.0, metrics["patient_fraction_mae"], 12);
        // Without a validation set, the scored data chooses: positives 0.99, 0.985, 0.98, 0.5 need all 4 (ceil(3.96)),
        // so the threshold is 0.5, where the one negative at 0.7 is called and the one at 0.1 is not.
        Assert.Equal(0.5, EvaluationMetrics.Compute(scored, "test", 0.5, "w")["specificity_at_99_sensitivity"]);
    }
}
