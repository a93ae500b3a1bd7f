using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Scoring.Figures;
using MalariaLab.RunCache;
using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Modelling.Models;
using MalariaLab.Data.Prepare;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;
using MalariaLab.Modelling.Training;
using static TorchSharp.torch;

namespace MalariaLab.Scoring.Evaluation;

/// <summary>The data Evaluate scores, resolved by the orchestrator from the run's own spec.</summary>
public sealed record EvaluationData(IReadOnlyList<IndexRow> Index, string DatasetFingerprint, string DataRoot, string SkippedCsv, PreparedImages Prepared);

/// <summary>Evaluate: scores a complete run on its validation set (or test subset / held-out fold) and writes
/// predictions.csv, metrics.json, classification_report.txt, per_patient.csv and every registered figure.</summary>
public static class EvaluateStage
{
    public static readonly string[] Files = ["predictions.csv", RunFiles.MetricsFile, "classification_report.txt", "per_patient.csv"];

    public static readonly StageDefinition Definition = new("evaluate", 3,
        "Score the run: predictions, metrics (metric registry), classification report, per-patient table, figures (figure registry).",
        [SpecKeys.Evaluate.All], ["train", "index", "prepare"], [.. Files.Select(f => "runs/<experiment>/<run-id>/" + f), "plots/*.png"])
    {
        Run = (c, _) => RunInWalk(c),
        ExtraInputs = TrainStage.RunInput,
    };

    /// <summary>The data of this walk, for scoring.</summary>
    public static EvaluationData DataOf(IStageContext c) =>
        new(IndexStage.Rows(c), IndexStage.DatasetFingerprint(c), IndexStage.DataRootOf(c), IndexStage.SkippedCsvOf(c), PrepareStage.ImagesOf(c));

    /// <summary>A complete run is scored in place. A published (sealed) run keeps its files: when the spec now asks for
    /// other evaluate.* settings than the run was published with (a new threshold), the evaluation goes to a new
    /// evaluations/&lt;time&gt;-spec-... folder, and that folder is this stage's output.</summary>
    static StageResult RunInWalk(IStageContext c)
    {
        var run = TrainStage.RunOf(c);
        if (RunManifest.Read(run.Path).Status != RunStatus.Published)
        {
            Run(run, c.Spec, DataOf(c), c.Log);
            return ResultOf(run);
        }
        var published = SpecLoader.LoadFile(run.File("spec.yaml"));
        bool same = c.Spec.Values.InSchemaOrder.Where(v => SpecKeys.Evaluate.All.Covers(v.Key))
            .All(v => Equals(v.Value, published.Values[v.Key]));
        if (same) return ResultOf(run);
        var split = SplitFile.Read(run.File("split.csv"));
        string subset = c.Spec.Evaluate.Subset == "auto" ? (split.Any(r => r.Subset == Subsets.Test) ? Subsets.Test : Subsets.Validation) : c.Spec.Evaluate.Subset;
        var request = new EvaluationRequest(c.Spec.Evaluate.Threshold, subset, PublishedRunEvaluation.Label(null, c.Spec.Evaluate.Threshold, subset, null), "the run's split (evaluate.* changed in the spec)");
        string folder = PublishedRunEvaluation.Write(run, c.Spec, DataOf(c), split, request, c.Log);
        return new(Files.ToDictionary(f => f, f => StageCache.HashedFile(Path.Combine(folder, f))), new Dictionary<string, string> { [TrainStage.Run] = run.Path });
    }

    public static EvaluationMetrics Run(RunFolder run, ExperimentSpec spec, EvaluationData data, ILog log)
    {
        var manifest = RunManifest.Read(run.Path);
        if (manifest.Status == RunStatus.Published)
            throw new MalariaLabException($"{run.Path}: the run is published (sealed); Evaluate writes a new evaluation under {run.File("evaluations")}/ instead");
        if (manifest.Status != RunStatus.Complete)
            throw new MalariaLabException($"{run.Path}: run status is '{manifest.Status}', expected 'complete'");
        if (data.DatasetFingerprint != manifest.DatasetFingerprint)
            throw new MalariaLabException($"{run.Path}: the data now has fingerprint {data.DatasetFingerprint}, the run was trained on {manifest.DatasetFingerprint}");
        var split = SplitFile.Read(run.File("split.csv"));
        return Score(run, manifest, spec, data, split, spec.Evaluate.Subset, spec.Evaluate.Threshold, run.Path, log);
    }

    /// <summary>Scores a subset ("auto", "validation" or "test") of the split with the run's weights at a threshold and
    /// writes every result file and figure into <paramref name="output"/> (the run folder, or one of its evaluations).</summary>
    public static EvaluationMetrics Score(RunFolder run, RunManifest manifest, ExperimentSpec spec, EvaluationData data, IReadOnlyList<SplitRow> split,
        string subset, double threshold, string output, ILog log)
    {
        using var tensors = new TrainingData(data.Prepared, data.Index, split, spec.Preprocess.Scale);
        if (subset == "auto") subset = tensors.Test.Length > 0 ? Subsets.Test : Subsets.Validation;
        long[] rows = subset == Subsets.Test ? tensors.Test : tensors.Validation;
        if (rows.Length == 0) throw new MalariaLabException($"evaluate.subset: the split has no '{subset}' images");

        Foundation.Native.TorchSetup.Threads(manifest.Threads);
        using var model = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
        string weights = spec.Train.RestoreBest ? "weights/best.bin" : "weights/last.bin";
        WeightsFile.Load(model, run.File(weights));
        double[] probabilities = [.. Evaluator.Probabilities(model, tensors, rows, spec.Evaluate.Tta).Select(p => (double)p)];
        var validation = new Lazy<ScoredLabels>(() => tensors.Validation.Length == 0 ? new([], []) : new(
            [.. tensors.Validation.Select(r => data.Index[(int)r].Label == Labels.Parasitized ? 1 : 0)],
            [.. Evaluator.Probabilities(model, tensors, tensors.Validation, spec.Evaluate.Tta).Select(p => (double)p)]));
        double temperature;
        (probabilities, threshold, temperature) = Calibrate(run, spec, validation, probabilities, threshold, subset, output, log);
        // Operating points are chosen on the validation subset (calibrated as the scored data is) and applied to the
        // scored data; scoring the validation subset itself, they are chosen on it.
        ScoredLabels? chosenOn = subset != Subsets.Validation && tensors.Validation.Length > 0
            ? validation.Value with { Scores = temperature == 1 ? validation.Value.Scores : Calibration.Scale(validation.Value.Scores, temperature) }
            : null;

        var predictions = rows.Select((row, i) =>
        {
            var r = data.Index[(int)row];
            return new ScoredImage(r.Path, r.Label, r.Patient, probabilities[i], probabilities[i] >= threshold ? Labels.Parasitized : Labels.Uninfected);
        }).ToList();
        var metrics = EvaluationMetrics.Compute(predictions, subset, threshold, weights, chosenOn);
        WriteResults(output, predictions, metrics, log);
        var context = new FigureContext(spec, manifest, RunFiles.ReadHistory(run), metrics, predictions, model,
            i => data.Prepared.Image((int)rows[i]).ToArray(), SampleRows(data, spec),
            path => Preprocessor.Prepare(File.ReadAllBytes(Path.Combine(data.DataRoot, path)), path, spec.Preprocess));
        FigureRegistry.DrawAll(context, Path.Combine(output, "plots"));
        log.Info(metrics.Report.ToText());
        log.Info($"evaluate ({subset}, {Plural.Of(rows.Length, "image")}, {weights}, threshold {threshold}): " +
                 string.Join(", ", MetricRegistry.All.Select(m => $"{m.Name} {metrics[m.Name]:F4}")));
        return metrics;
    }

    /// <summary>evaluate.temperature_scaling and evaluate.threshold_rule: both fitted on the validation subset's
    /// probabilities (with the same test-time augmentation), then applied unchanged to the scored data. The run's own
    /// evaluation fits them and writes calibration.json; later evaluations of the run (other data, another subset)
    /// apply that file, so Predict and every evaluation use the same numbers.</summary>
    static (double[] Probabilities, double Threshold, double Temperature) Calibrate(RunFolder run, ExperimentSpec spec, Lazy<ScoredLabels> validationScores,
        double[] probabilities, double threshold, string subset, string output, ILog log)
    {
        var e = spec.Evaluate;
        if (e.ThresholdRule == "fixed" && !e.TemperatureScaling) return (probabilities, threshold, 1);
        if (output != run.Path && FittedCalibration.TryRead(run.Path) is { } fitted)
        {
            log.Info($"evaluate: the run's fitted calibration (threshold {fitted.Threshold:F4} by {fitted.ThresholdRule}, temperature {fitted.Temperature:F3}) applied");
            return (Calibration.Scale(probabilities, fitted.Temperature), e.ThresholdRule == "fixed" ? threshold : fitted.Threshold, fitted.Temperature);
        }
        if (validationScores.Value.Labels.Length == 0) throw new MalariaLabException("evaluate.threshold_rule / temperature_scaling: the split has no validation images to fit on");
        if (subset == Subsets.Validation) log.Warn("evaluate: the threshold or temperature is fitted on the same validation images it is scored on (optimistic); score the test subset for an honest number");
        var (labels, validation) = (validationScores.Value.Labels, validationScores.Value.Scores);
        double temperature = 1;
        if (e.TemperatureScaling)
        {
            temperature = Calibration.FitTemperature(labels, validation);
            log.Info($"evaluate: temperature {temperature:F3} fitted on {Plural.Of(validation.Length, "validation image")}");
            validation = Calibration.Scale(validation, temperature);
            probabilities = Calibration.Scale(probabilities, temperature);
        }
        if (e.ThresholdRule != "fixed")
        {
            threshold = Calibration.PickThreshold(e.ThresholdRule, labels, validation);
            log.Info($"evaluate: threshold {threshold:F4} ({e.ThresholdRule}, chosen on the validation subset)");
        }
        if (output == run.Path) new FittedCalibration(e.ThresholdRule, threshold, temperature).Write(run.Path);
        return (probabilities, threshold, temperature);
    }

    /// <summary>The lock of an evaluated run: its result files by hash.</summary>
    public static StageResult ResultOf(RunFolder run) =>
        new(Files.ToDictionary(f => f, f => StageCache.HashedFile(run.File(f))), new Dictionary<string, string> { [TrainStage.Run] = run.Path });

    /// <summary>predictions.csv, metrics.json, classification_report.txt and per_patient.csv into <paramref name="folder"/>.</summary>
    public static void WriteResults(string folder, IReadOnlyList<ScoredImage> predictions, EvaluationMetrics metrics, ILog log)
    {
        string At(string name) => Path.Combine(folder, name);
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        AtomicFile.WriteAllText(At("predictions.csv"), Csv.Write(["path", "label", "patient", "probability_parasitized", "predicted"],
            predictions.Select(p => (IReadOnlyList<string>)[p.Path, p.Label, p.Patient, F(p.ProbabilityParasitized), p.Predicted])));
        RunFiles.WriteMetrics(At(RunFiles.MetricsFile), metrics);
        AtomicFile.WriteAllText(At("classification_report.txt"), metrics.Report.ToText());
        AtomicFile.WriteAllText(At("per_patient.csv"), Csv.Write(["patient", "images", "parasitized", "predicted_parasitized", "accuracy", "fraction_parasitized", "predicted_fraction_parasitized"],
            predictions.GroupBy(p => p.Patient).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (IReadOnlyList<string>)
            [g.Key, I(g.Count()), I(g.Count(p => p.Label == Labels.Parasitized)), I(g.Count(p => p.Predicted == Labels.Parasitized)),
             F((double)g.Count(p => p.Predicted == p.Label) / g.Count()),
             F((double)g.Count(p => p.Label == Labels.Parasitized) / g.Count()), F((double)g.Count(p => p.Predicted == Labels.Parasitized) / g.Count())])));
        // A published run's evaluation is written in a temp folder first; its final name is logged once it is in place.
        if (!TempFiles.IsTempName(Path.GetFileName(folder))) log.Info($"evaluate: wrote {string.Join(", ", Files)} in {folder}");
    }

    /// <summary>Five images (first in path order) per category: with corrections on, True/False x Parasitized/Uninfected
    /// as the notebook shows them (False ones from skipped.csv when excluded); else one row per class.</summary>
    public static List<SampleRow> SampleRows(EvaluationData data, ExperimentSpec spec)
    {
        var rows = new List<SampleRow>();
        if (spec.Dataset.Corrections == "none")
        {
            foreach (var label in Labels.All) rows.Add(new SampleRow(label, data.Index.Where(r => r.Label == label).Select(r => r.Path).Take(5).ToList()));
            return rows;
        }
        var skipped = Csv.ReadRecords(data.SkippedCsv, "path", "code");
        foreach (var cls in Labels.All)
        {
            rows.Add(new SampleRow($"{cls}\nconfirmed", data.Index.Where(r => r.Class == cls && r.Correction == "confirmed").Select(r => r.Path).Take(5).ToList()));
            rows.Add(new SampleRow($"{cls}\nmislabelled", data.Index.Where(r => r.Class == cls && r.Correction == "relabelled").Select(r => r.Path)
                .Concat(skipped.Where(s => s["path"].StartsWith(cls + "/") && s["code"] == SkipCode.ExcludedFalse.Text()).Select(s => s["path"]))
                .Take(5).ToList()));
        }
        return rows;
    }
}
