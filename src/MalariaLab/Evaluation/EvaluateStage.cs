using System.Globalization;
using System.Text.Json;
using MalariaLab.Common;
using MalariaLab.Indexing;
using MalariaLab.Models;
using MalariaLab.Pipeline;
using MalariaLab.Reporting;
using MalariaLab.Runs;
using MalariaLab.Specs;
using MalariaLab.Splitting;
using MalariaLab.Training;
using static TorchSharp.torch;

namespace MalariaLab.Evaluation;

/// <summary>Evaluate: scores a finished run on its validation set (or test subset / held-out fold) and writes
/// predictions.csv, metrics.json, classification_report.txt, per_patient.csv and plots/*.png into the run.</summary>
public static class EvaluateStage
{
    public static EvaluationMetrics Run(RunFolder run, PipelineOptions options, ILog log)
    {
        var manifest = RunManifest.Read(run.Path);
        if (manifest.Status == RunStatus.Published)
            throw new MalariaLabException($"{run.Path}: the run is published (sealed); evaluate a new run instead");
        if (manifest.Status != RunStatus.Complete)
            throw new MalariaLabException($"{run.Path}: run status is '{manifest.Status}', expected 'complete'");
        var spec = SpecLoader.LoadFile(run.File("spec.yaml"));
        var pipeline = new DataPipeline(spec, options with { DatasetSource = null, DatasetSha256 = null, Sets = [], Force = false }, log);
        var index = pipeline.Index();
        if (index.Fingerprint != manifest.DatasetFingerprint)
            throw new MalariaLabException($"{run.Path}: the data now has fingerprint {index.Fingerprint}, the run was trained on {manifest.DatasetFingerprint}");
        var split = SplitFile.Read(run.File("split.csv"));
        var prepared = pipeline.PrepareImages(index);
        using var data = new TrainingData(prepared, index.Rows, split, spec.Preprocess.Scale);

        string subset = spec.Evaluate.Subset == "auto" ? (data.Test.Length > 0 ? Subsets.Test : Subsets.Validation) : spec.Evaluate.Subset;
        long[] rows = subset == Subsets.Test ? data.Test : data.Validation;
        if (rows.Length == 0) throw new MalariaLabException($"evaluate.subset: the split has no '{subset}' images");

        set_num_threads(manifest.Threads);
        using var model = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
        string weights = spec.Train.RestoreBest ? "weights/best.bin" : "weights/last.bin";
        WeightsFile.Load(model, run.File(weights));
        var (_, _, probabilities) = Evaluator.Run(model, data, rows);

        var predictions = rows.Select((row, i) =>
        {
            var r = index.Rows[(int)row];
            return new Prediction(r.Path, r.Label, r.Patient, probabilities[i], probabilities[i] >= spec.Evaluate.Threshold ? Labels.Parasitized : Labels.Uninfected);
        }).ToList();
        var metrics = Compute(predictions, subset, spec.Evaluate.Threshold, weights);
        Write(run, predictions, metrics, log);
        Draw(run, model, manifest, metrics, predictions, prepared, rows, spec);
        SampleGrid(index, spec, run.File("plots/samples.png"));
        log.Info(metrics.Report.ToText());
        log.Info($"evaluate ({subset}, {rows.Length} images, {weights}): accuracy {metrics.Accuracy:F4}, AUC {metrics.RocAuc:F4}, " +
                 $"AP {metrics.AveragePrecision:F4}, sensitivity {metrics.Sensitivity:F4}, specificity {metrics.Specificity:F4}, MCC {metrics.Matthews:F4}");
        return metrics;
    }

    public static EvaluationMetrics Compute(IReadOnlyList<Prediction> predictions, string subset, double threshold, string weights)
    {
        var labels = predictions.Select(p => p.Label == Labels.Parasitized ? 1 : 0).ToArray();
        var scores = predictions.Select(p => p.ProbabilityParasitized).ToArray();
        var confusion = Confusion.At(labels, scores, threshold);
        var roc = BinaryMetrics.Roc(labels, scores);
        var pr = BinaryMetrics.PrecisionRecall(labels, scores);
        return new EvaluationMetrics(subset, predictions.Count, threshold, weights,
            BinaryMetrics.Accuracy(confusion), BinaryMetrics.Recall(confusion), BinaryMetrics.Specificity(confusion), BinaryMetrics.Matthews(confusion),
            roc.Auc, pr.AveragePrecision, confusion, ClassificationReport.From(confusion));
    }

    static void Write(RunFolder run, List<Prediction> predictions, EvaluationMetrics metrics, ILog log)
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        AtomicFile.WriteAllText(run.File("predictions.csv"), Csv.Write(["path", "label", "patient", "probability_parasitized", "predicted"],
            predictions.Select(p => (IReadOnlyList<string>)[p.Path, p.Label, p.Patient, F(p.ProbabilityParasitized), p.Predicted])));
        AtomicFile.WriteAllText(run.File("metrics.json"), JsonSerializer.Serialize(metrics, RunManifest.Json) + "\n");
        AtomicFile.WriteAllText(run.File("classification_report.txt"), metrics.Report.ToText());
        AtomicFile.WriteAllText(run.File("per_patient.csv"), Csv.Write(["patient", "images", "parasitized", "predicted_parasitized", "accuracy"],
            predictions.GroupBy(p => p.Patient).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (IReadOnlyList<string>)
            [g.Key, g.Count().ToString(CultureInfo.InvariantCulture), g.Count(p => p.Label == Labels.Parasitized).ToString(CultureInfo.InvariantCulture),
             g.Count(p => p.Predicted == Labels.Parasitized).ToString(CultureInfo.InvariantCulture), F((double)g.Count(p => p.Predicted == p.Label) / g.Count())])));
        log.Info($"evaluate: wrote predictions.csv, metrics.json, classification_report.txt, per_patient.csv in {run.Path}");
    }

    /// <summary>Five images (first in path order) per category, one row each: with corrections on, True/False x
    /// Parasitized/Uninfected as the notebook shows them (False ones from skipped.csv when excluded); else per class.</summary>
    static void SampleGrid(IndexOutput index, ExperimentSpec spec, string path)
    {
        var categories = new List<List<string>>();
        if (spec.Dataset.Corrections == "none")
            foreach (var label in Labels.All) categories.Add(index.Rows.Where(r => r.Label == label).Select(r => r.Path).Take(5).ToList());
        else
        {
            var skipped = Csv.ReadRecords(Path.Combine(index.Folder, "skipped.csv"), "path", "reason");
            foreach (var cls in Labels.All)
            {
                categories.Add(index.Rows.Where(r => r.Class == cls && r.Correction == "confirmed").Select(r => r.Path).Take(5).ToList());
                categories.Add(index.Rows.Where(r => r.Class == cls && r.Correction == "relabelled").Select(r => r.Path)
                    .Concat(skipped.Where(s => s["path"].StartsWith(cls + "/") && s["reason"].StartsWith("excluded: in False_")).Select(s => s["path"]))
                    .Take(5).ToList());
            }
        }
        var tiles = new List<byte[]>();
        foreach (var category in categories)
            for (int i = 0; i < 5; i++)
                tiles.Add(i < category.Count
                    ? Prepare.Preprocessor.Prepare(File.ReadAllBytes(Path.Combine(index.DataRoot, category[i])), category[i], spec.Preprocess)
                    : new byte[spec.Preprocess.Size * spec.Preprocess.Size * 3]);
        ImageGrid.Save(tiles, spec.Preprocess.Size, 5, 96, path);
    }

    static void Draw(RunFolder run, nn.Module<Tensor, Tensor> model, RunManifest manifest, EvaluationMetrics metrics, List<Prediction> predictions,
        Prepare.PreparedImages prepared, long[] rows, ExperimentSpec spec)
    {
        string plots = run.File("plots");
        Directory.CreateDirectory(plots);
        var history = HistoryFile.Read(run.File("history.csv"));
        Plots.TrainingCurves(history, manifest.BestEpoch ?? 0, Path.Combine(plots, "loss.png"), Path.Combine(plots, "accuracy.png"));
        Plots.ConfusionMatrix(metrics.Confusion, Path.Combine(plots, "confusion_matrix.png"));
        var labels = predictions.Select(p => p.Label == Labels.Parasitized ? 1 : 0).ToArray();
        var scores = predictions.Select(p => p.ProbabilityParasitized).ToArray();
        var roc = BinaryMetrics.Roc(labels, scores);
        Plots.Roc(roc.Fpr, roc.Tpr, roc.Auc, Path.Combine(plots, "roc.png"));
        var pr = BinaryMetrics.PrecisionRecall(labels, scores);
        Plots.PrecisionRecall(pr.Precision, pr.Recall, pr.AveragePrecision, Path.Combine(plots, "precision_recall.png"));

        int size = prepared.Size;
        // The most confident mistakes.
        var mistakes = Enumerable.Range(0, rows.Length).Where(i => predictions[i].Predicted != predictions[i].Label)
            .OrderByDescending(i => Math.Abs(predictions[i].ProbabilityParasitized - 0.5)).Take(10).ToList();
        if (mistakes.Count > 0)
            ImageGrid.Save(mistakes.Select(i => prepared.Image((int)rows[i]).ToArray()).ToList(), size, 5, 96, Path.Combine(plots, "mistakes.png"));
        AtomicFile.WriteAllText(Path.Combine(plots, "mistakes.csv"), Csv.Write(["path", "label", "probability_parasitized"],
            mistakes.Select(i => (IReadOnlyList<string>)[predictions[i].Path, predictions[i].Label, predictions[i].ProbabilityParasitized.ToString("F4", CultureInfo.InvariantCulture)])));

        if (model is SeedCnn cnn)
        {
            // First conv layer: 6 filters x 3 channels, each 3x3 min-max normalised grey (the notebook's figure).
            using var kernel = cnn.FirstConv.weight!.detach().clone();
            var filterTiles = new List<byte[]>();
            for (int f = 0; f < 6; f++)
                for (int c = 0; c < 3; c++)
                    filterTiles.Add(ImageGrid.GreyTile(kernel[f, c].data<float>().ToArray()));
            ImageGrid.Save(filterTiles, 3, 3, 60, Path.Combine(plots, "filters.png"));
            // Its 16 feature maps for the first evaluated image.
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                model.eval();
                var image = Training.TrainingData.ToModelInput(tensor(prepared.Image((int)rows[0]).ToArray(), [1, size, size, 3], ScalarType.Byte), spec.Preprocess.Scale);
                var maps = nn.functional.relu(cnn.FirstConv.forward(image)).contiguous();
                var mapTiles = Enumerable.Range(0, (int)maps.shape[1]).Select(m => ImageGrid.GreyTile(maps[0, m].data<float>().ToArray())).ToList();
                ImageGrid.Save(mapTiles, size, 4, 120, Path.Combine(plots, "feature_maps.png"));
            }
        }
    }
}
