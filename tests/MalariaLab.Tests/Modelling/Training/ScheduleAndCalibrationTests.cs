using MalariaLab.Foundation.Metrics;
using MalariaLab.Foundation.Specs;
using MalariaLab.Modelling.Training;

namespace MalariaLab.Tests.Modelling.Training;

public class ScheduleAndCalibrationTests
{
    static ScheduleSpec Spec(string kind) => new(kind, WarmupEpochs: 1, StepEpochs: 2, Gamma: 0.5, MinLr: 0.0, PlateauPatience: 1);

    [Fact]
    public void Schedules_follow_their_formulas()
    {
        Assert.Equal(1e-4, new LearningRateSchedule(Spec("constant"), 1e-4, 10, 5).At(7, 3)); // exactly the base rate
        var step = new LearningRateSchedule(Spec("step"), 1.0, 10, 5);
        Assert.Equal([1.0, 1.0, 0.5, 0.5, 0.25], Enumerable.Range(1, 5).Select(e => step.At(e, 0)));
        var cosine = new LearningRateSchedule(Spec("cosine"), 1.0, 3, 10); // 10 warm-up steps, then 20 of cosine
        Assert.Equal(0.1, cosine.At(1, 0), 12);
        Assert.Equal(0.55, cosine.At(1, 5), 12);
        Assert.Equal(1.0, cosine.At(2, 0), 12);
        Assert.Equal(0.5, cosine.At(2, 10), 12);   // half way down: (1 + cos(π/2)) / 2
        var cycle = new LearningRateSchedule(Spec("one-cycle"), 1.0, 10, 10);
        Assert.Equal(0.04, cycle.At(1, 0), 12);     // lr / 25
        Assert.Equal(1.0, cycle.At(4, 0), 12);      // the peak at 30%
        var plateau = new LearningRateSchedule(Spec("plateau"), 1.0, 10, 10);
        foreach (var loss in new[] { 0.9, 0.8, 0.85 }) plateau.EndOfEpoch(loss);
        Assert.Equal(0.5, plateau.At(4, 0)); // one epoch without a better val_loss (patience 1): one decay, as Keras
        plateau.EndOfEpoch(0.7);
        Assert.Equal(0.5, plateau.At(5, 0)); // a better val_loss resets the wait
    }

    [Fact]
    public void Brier_and_ece_match_sklearn_and_the_bin_formula()
    {
        int[] y = [0, 1, 1, 0];
        double[] p = [0.1, 0.9, 0.8, 0.3];
        Assert.Equal(0.0375, Calibration.Brier(y, p), 12); // sklearn.metrics.brier_score_loss([0,1,1,0],[0.1,0.9,0.8,0.3]) = 0.0375
        // Bins 1, 3, 8, 9 hold one cell each: |0 - 0.1| + |0 - 0.3| + |1 - 0.8| + |1 - 0.9| over 4.
        Assert.Equal((0.1 + 0.3 + 0.2 + 0.1) / 4, Calibration.ExpectedCalibrationError(y, p), 12);
    }

    [Fact]
    public void Temperature_scaling_softens_overconfident_scores_and_thresholds_are_picked_on_validation()
    {
        // Overconfident: right only 3 times in 4 at p = 0.99 or 0.01. The NLL-optimal temperature maps 0.99 to 0.75.
        int[] y = [1, 1, 1, 0, 0, 0, 0, 1];
        double[] p = [0.99, 0.99, 0.99, 0.99, 0.01, 0.01, 0.01, 0.01];
        double t = Calibration.FitTemperature(y, p);
        Assert.Equal(0.75, Calibration.Scale([0.99], t)[0], 4);
        Assert.Equal(Math.Log(99) / Math.Log(3), t, 4);
        int[] v = [0, 0, 1, 1, 1];
        double[] s = [0.1, 0.4, 0.35, 0.8, 0.9];
        Assert.Equal(0.8, Calibration.PickThreshold("youden", v, s)); // J = 2/3 at 0.8 (and at 0.35, 0.5 + ... lower)
        Assert.Equal(0.35, Calibration.PickThreshold("f1", v, s));    // F1 = 6/7 at 0.35
    }
}
