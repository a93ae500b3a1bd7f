namespace MalariaLab.Foundation.Metrics;

/// <summary>Operating points and the per-patient estimate (formulas in <see cref="OperatingPoints"/>). The thresholds
/// are chosen on the validation subset and applied unchanged to the scored data; when the validation subset itself is
/// scored (or there is none), they are chosen on the scored data, which is optimistic.</summary>
public static class ClinicalMetrics
{
    public static readonly HeadlineMetric SensitivityAt99Specificity = new("sensitivity_at_99_specificity",
        "sensitivity at the threshold that keeps specificity ≥ 99% on the validation subset, applied to the scored data",
        m => OperatingPoints.SensitivityAt(m.Labels, m.Scores, OperatingPoints.ThresholdForSpecificity(m.ChosenOn, 0.99)));

    public static readonly HeadlineMetric SpecificityAt99Sensitivity = new("specificity_at_99_sensitivity",
        "specificity at the threshold that keeps sensitivity ≥ 99% on the validation subset, applied to the scored data",
        m => OperatingPoints.SpecificityAt(m.Labels, m.Scores, OperatingPoints.ThresholdForSensitivity(m.ChosenOn, 0.99)));

    public static readonly HeadlineMetric PatientFractionMae = new("patient_fraction_mae",
        "mean over patients of |fraction of cells predicted Parasitized - true fraction| at the threshold; lower is better",
        m => OperatingPoints.PatientFractionError(m.Labels, m.Scores, m.Patients, m.Threshold));
}
