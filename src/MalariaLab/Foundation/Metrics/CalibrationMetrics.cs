namespace MalariaLab.Foundation.Metrics;

/// <summary>The calibration headline metrics (formulas in <see cref="Calibration"/>): lower is better for both.</summary>
public static class CalibrationMetrics
{
    public static readonly HeadlineMetric Brier = new("brier", "mean (p - y)^2 of the probability of Parasitized; lower is better",
        m => Calibration.Brier(m.Labels, m.Scores));

    public static readonly HeadlineMetric Ece = new("ece", "expected calibration error over 10 equal-width probability bins; lower is better",
        m => Calibration.ExpectedCalibrationError(m.Labels, m.Scores));
}
