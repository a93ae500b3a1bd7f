using System.Globalization;
using System.Net;
using System.Text;
using MalariaLab.Foundation.Common;
using MalariaLab.Scoring.Figures;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Scoring.Reporting;

/// <summary>The report of one later evaluation (evaluation.md/html in its folder) and the run's list of evaluations
/// (evaluations/index.md/html, which the sealed report links to).</summary>
public static class EvaluationReport
{
    /// <summary>Writes evaluation.md/html; <paramref name="overlapWarning"/> repeats the run report's patient-overlap
    /// warning when the scored subset shares patients with training.</summary>
    public static void Write(string folder, EvaluationManifest evaluation, EvaluationMetrics metrics, ExperimentSpec spec, string? overlapWarning = null)
    {
        var text = new StringBuilder();
        text.AppendLine($"# {spec.Name} — run {evaluation.RunId}, evaluation {evaluation.Label}").AppendLine();
        text.AppendLine($"> {ReportWriter.Notice}").AppendLine();
        text.AppendLine("[← the run's report](../../report.html) · [every evaluation of this run](../index.html)").AppendLine();
        if (overlapWarning is not null) text.AppendLine($"> **Warning:** {overlapWarning}").AppendLine();
        text.AppendLine($"Scored **{MarkdownText.Cell(evaluation.Source)}** ({evaluation.Subset}, {metrics.Images} images) with `{metrics.Weights}` at threshold **{evaluation.Threshold.ToString(CultureInfo.InvariantCulture)}**, " +
                        $"{evaluation.Created:yyyy-MM-dd HH:mm} UTC. The run's sealed files were verified before and after; this folder has its own `evaluation.json`.").AppendLine();
        ReportWriter.MetricsTable(text, metrics);
        text.AppendLine("```").Append(metrics.Report.ToText()).AppendLine("```").AppendLine();
        ReportWriter.Figures(text, folder, spec, Figure.Result);
        ReportWriter.PatientTable(text, folder);
        // The images it got wrong at this threshold (the run report shows them among what the network learned).
        var mistakes = MistakesFigure.Definition;
        if (File.Exists(Path.Combine(folder, "plots", mistakes.FileName)))
            text.AppendLine($"{mistakes.Caption(spec)}:").AppendLine().AppendLine($"![mistakes](plots/{mistakes.FileName})").AppendLine();
        AtomicFile.WriteAllText(Path.Combine(folder, "evaluation.md"), text.ToString());
        AtomicFile.WriteAllText(Path.Combine(folder, "evaluation.html"), ReportWriter.Html(text.ToString(), folder));
    }

    /// <summary>Rewrites evaluations/index.md and index.html from every evaluation folder's evaluation.json.</summary>
    public static void WriteIndex(RunFolder run)
    {
        string root = run.File(EvaluationManifest.Folder);
        var rows = Directory.GetDirectories(root).Order(StringComparer.Ordinal)
            .Select(d => (Folder: Path.GetFileName(d), Manifest: EvaluationManifest.TryRead(d), Metrics: RunFiles.ReadMetrics(Path.Combine(d, RunFiles.MetricsFile))))
            .Where(r => r.Manifest is not null && r.Metrics is not null).ToList();
        var text = new StringBuilder($"# Evaluations of run {run.Id}\n\n");
        var columns = MetricRegistry.Compact;
        text.Append("| evaluation | scored | threshold | images | " + string.Join(" | ", columns) + " |\n| --- | --- | --- | --- |" + string.Concat(columns.Select(_ => " --- |")) + "\n");
        foreach (var (folder, manifest, metrics) in rows)
            text.Append($"| [{folder}]({folder}/evaluation.html) | {MarkdownText.Cell(manifest!.Source)} ({(manifest.Overlap is null ? manifest.Subset : "**seen data, --allow-overlap**")}) | {manifest.Threshold.ToString(CultureInfo.InvariantCulture)} | {metrics!.Images} | " +
                        string.Join(" | ", columns.Select(c => metrics[c].ToString("F4", CultureInfo.InvariantCulture))) + " |\n");
        AtomicFile.WriteAllText(Path.Combine(root, "index.md"), text.ToString());
        AtomicFile.WriteAllText(Path.Combine(root, "index.html"), ReportWriter.Html(text.ToString(), root));
    }
}
