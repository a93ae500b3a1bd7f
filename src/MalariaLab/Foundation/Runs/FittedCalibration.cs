using System.Text.Json;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Foundation.Runs;

/// <summary>What Evaluate fitted on the run's validation subset (evaluate.threshold_rule, evaluate.temperature_scaling):
/// calibration.json in the run folder, sealed with it. Predict applies it (the fitted threshold, probabilities divided
/// in logit space by the temperature), and Evaluate on other data (--input, another subset) reuses it instead of
/// fitting on the data it scores.</summary>
public sealed record FittedCalibration(string ThresholdRule, double Threshold, double Temperature)
{
    public const string FileName = "calibration.json";

    public void Write(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, RunManifest.Json) + "\n");

    /// <summary>The run's fitted calibration, or null when Evaluate fitted nothing (a fixed threshold, no temperature).</summary>
    public static FittedCalibration? TryRead(string runFolder)
    {
        string path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path)) return null;
        var fitted = JsonSerializer.Deserialize<FittedCalibration>(FileKinds.ReadRegular(path, 1 << 16, "a calibration file"), RunManifest.Json);
        if (fitted is null || fitted.ThresholdRule is null || !(fitted.Threshold is >= 0 and <= 1) || !(fitted.Temperature > 0 && double.IsFinite(fitted.Temperature)))
            throw new MalariaLabException($"{path}: expected threshold_rule, a threshold in [0, 1] and a positive temperature");
        return fitted;
    }
}
