using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Workflows.Prediction;

namespace MalariaLab.Tests.Workflows.Prediction;

/// <summary>What Evaluate fitted (a Youden threshold, a temperature) is what Predict applies, and what a later evaluation
/// on other data reuses.</summary>
[Collection(LibTorchCollection.Name)]
public class FittedCalibrationTests
{
    [Fact]
    public void Predict_applies_the_fitted_threshold_and_temperature_and_matches_the_evaluation()
    {
        using var tiny = new TinyExperiment();
        var options = tiny.Options("evaluate.threshold_rule=youden", "evaluate.temperature_scaling=true", "evaluate.subset=validation");
        var run = new Orchestrator(tiny.Spec(options), options, new CapturingLog()).TrainEvaluatePublish();
        var fitted = FittedCalibration.TryRead(run.Path)!;
        Assert.NotNull(fitted);
        Assert.Equal("youden", fitted.ThresholdRule);
        Assert.Contains(RunManifest.FileName, Directory.GetFiles(run.Path).Select(Path.GetFileName));
        Assert.Contains(FittedCalibration.FileName, RunManifest.Read(run.Path).Files.Keys); // sealed with the run

        var evaluated = Csv.ReadRecords(run.File("predictions.csv"), "path", "probability_parasitized", "predicted")
            .ToDictionary(r => r["path"], r => (P: double.Parse(r["probability_parasitized"], CultureInfo.InvariantCulture), Label: r["predicted"]));
        var predicted = Predictor.Predict(run, tiny.File("data"), new CapturingLog());
        foreach (var (path, expected) in evaluated)
        {
            var row = predicted.Single(p => p.Path == Path.Combine(tiny.File("data"), path));
            Assert.Equal(expected.P, row.ProbabilityParasitized!.Value, 6);
            Assert.Equal(expected.Label, row.Label);
            Assert.Equal(row.ProbabilityParasitized >= fitted.Threshold ? "Parasitized" : "Uninfected", row.Label);
        }
    }
}
