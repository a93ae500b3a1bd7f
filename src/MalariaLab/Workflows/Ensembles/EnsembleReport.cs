using System.Globalization;
using System.Text;
using MalariaLab.Foundation.Common;
using MalariaLab.Scoring.Figures;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Scoring.Reporting;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Ensembles;

/// <summary>An ensemble's report.md: what was scored (patients new to every member), the ensemble's metrics beside each
/// member's on the same images (and the members' mean ± std), the result figures, the per-patient table, and the
/// members with the SHA-256 of their manifests.</summary>
public static class EnsembleReport
{
    static IReadOnlyList<string> Columns => MetricRegistry.Compact;

    public static string Markdown(RunManifest manifest, EvaluationMetrics metrics, IReadOnlyList<MemberRun> members, IReadOnlyList<EvaluationMetrics> memberMetrics,
        EnsembleData input, string folder, ExperimentSpec spec)
    {
        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        var info = manifest.Ensemble!;
        int patients = input.Scored.Select(r => r.Patient).Distinct().Count();
        var text = new StringBuilder();
        text.AppendLine($"# {manifest.Experiment} — ensemble {manifest.RunId}").AppendLine();
        text.AppendLine($"> {ReportWriter.Notice}").AppendLine();
        text.AppendLine($"## {Figure.Result}").AppendLine();
        text.AppendLine($"The {Plural.Of(members.Count, "member run")} below, combined as the {EnsembleInfo.Combine}, threshold {info.Threshold.ToString(CultureInfo.InvariantCulture)}. " +
                        $"Scored on **{input.Source}**: {Plural.Of(metrics.Images, "image")} of {Plural.Of(patients, "patient")}, none of whom any member trained or validated on " +
                        "(checked against every member's split).").AppendLine();
        ReportWriter.MetricsTable(text, metrics);
        text.AppendLine("The ensemble beside each member on the same images (each member at its own threshold and test-time augmentation):").AppendLine();
        text.AppendLine("| model | " + string.Join(" | ", Columns) + " |").AppendLine("| --- |" + string.Concat(Columns.Select(_ => " --- |")));
        text.AppendLine($"| **ensemble** | " + string.Join(" | ", Columns.Select(c => $"**{F(metrics[c])}**")) + " |");
        for (int k = 0; k < members.Count; k++)
            text.AppendLine($"| {members[k].Reference} | " + string.Join(" | ", Columns.Select(c => F(memberMetrics[k][c]))) + " |");
        text.AppendLine("| members' mean ± std | " + string.Join(" | ", Columns.Select(c => MeanStd.Of(memberMetrics.Select(m => m[c]).ToList()) is var s ? $"{F(s.Mean)} ± {F(s.Std)}" : "")) + " |").AppendLine();
        text.AppendLine("```").Append(metrics.Report.ToText()).AppendLine("```").AppendLine();
        foreach (string section in Figure.Sections) ReportWriter.Figures(text, folder, spec, section);
        ReportWriter.PatientTable(text, folder);
        text.AppendLine("## Members").AppendLine();
        text.AppendLine("Each member is verified against its seal, and its manifest against the SHA-256 recorded here, whenever the ensemble is used (Predict).").AppendLine();
        text.AppendLine("| member | model | weights | test-time augmentation | manifest SHA-256 |").AppendLine("| --- | --- | --- | --- | --- |");
        for (int k = 0; k < members.Count; k++)
            text.AppendLine($"| {members[k].Reference} | {members[k].Spec.Model.Arch} | `{members[k].Weights}` | {members[k].Spec.Evaluate.Tta} | `{info.Members[k].ManifestSha256[..12]}` |");
        text.AppendLine().AppendLine("## Environment").AppendLine();
        text.AppendLine($"{ReportWriter.Environment(manifest.Environment)}.");
        return text.ToString();
    }
}
