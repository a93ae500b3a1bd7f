using MalariaLab.Foundation.Metrics;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using static TorchSharp.torch;

namespace MalariaLab.Scoring.Figures;

/// <summary>A row of the sample grid: a caption and the data paths of its images.</summary>
public sealed record SampleRow(string Caption, IReadOnlyList<string> Paths);

/// <summary>Everything a figure may draw from: the run's spec, manifest, history, metrics and predictions, the model
/// with its weights loaded (null for an ensemble), the prepared pixels of each prediction (same order), and sample rows with their loader.</summary>
public sealed record FigureContext(
    ExperimentSpec Spec, RunManifest Manifest, IReadOnlyList<EpochMetrics> History, EvaluationMetrics Metrics,
    IReadOnlyList<ScoredImage> Predictions, nn.Module<Tensor, Tensor>? Model, Func<int, byte[]> PredictionPixels,
    IReadOnlyList<SampleRow> Samples, Func<string, byte[]> SamplePixels);

/// <summary>A figure, declared once: the file it writes under plots/, the report section it belongs to, its
/// caption, and how it is drawn. Draw returns false when the figure does not apply (nothing written).</summary>
public sealed record Figure(string FileName, string Section, Func<ExperimentSpec, string> Caption, Func<FigureContext, string, bool> Draw)
{
    public const string Result = "Result", Training = "Training", Data = "Data and split", Learned = "What the network learned";
    public static readonly string[] Sections = [Result, Training, Data, Learned];
}
