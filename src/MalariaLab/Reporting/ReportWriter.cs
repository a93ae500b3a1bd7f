using System.Globalization;
using System.Net;
using System.Text;
using MalariaLab.Figures;
using MalariaLab.Metrics;
using MalariaLab.Runs;
using MalariaLab.Specs;
using MalariaLab.Splitting;

namespace MalariaLab.Reporting;

/// <summary>report.md and report.html: spec, data and split counts, metrics, every plot, environment, and
/// the research-only notice.</summary>
public static class ReportWriter
{
    public const string Notice = "For research only: this model is not a medical device and must not be used for diagnosis.";

    public static string Markdown(RunFolder run, RunManifest manifest, EvaluationMetrics metrics, ExperimentSpec spec)
    {
        var split = SplitFile.Read(run.File("split.csv"));
        var text = new StringBuilder();
        text.AppendLine($"# {manifest.Experiment} — run {manifest.RunId}").AppendLine();
        text.AppendLine($"> {Notice}").AppendLine();
        text.AppendLine($"## {Figure.Result}").AppendLine();
        text.AppendLine($"Scored on the **{metrics.Subset}** subset ({metrics.Images} images) with `{metrics.Weights}`, threshold {metrics.Threshold}.").AppendLine();
        var headline = MetricRegistry.All.Where(m => metrics.Metrics.ContainsKey(m.Name)).ToList();
        text.AppendLine("| " + string.Join(" | ", headline.Select(m => m.Name)) + " |");
        text.AppendLine("|" + string.Concat(headline.Select(_ => " --- |")));
        text.AppendLine("| " + string.Join(" | ", headline.Select(m => metrics[m.Name].ToString("F4", CultureInfo.InvariantCulture))) + " |").AppendLine();
        text.AppendLine("```").Append(metrics.Report.ToText()).AppendLine("```").AppendLine();
        Figures(text, run, spec, Figure.Result);
        text.AppendLine($"## {Figure.Training}").AppendLine();
        text.AppendLine($"{manifest.EpochsRun} epochs; best epoch {manifest.BestEpoch} (val accuracy {manifest.BestValAccuracy:F4}); {manifest.StopReason}; mean {manifest.ImagesPerSecond:F0} images/s on {manifest.Threads} threads.").AppendLine();
        Figures(text, run, spec, Figure.Training);
        text.AppendLine($"## {Figure.Data}").AppendLine();
        text.AppendLine("| subset | images | Parasitized | Uninfected | patients |");
        text.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var group in split.GroupBy(s => s.Subset).OrderBy(g => g.Key, StringComparer.Ordinal))
            text.AppendLine($"| {group.Key} | {group.Count()} | {group.Count(s => s.Label == "Parasitized")} | {group.Count(s => s.Label == "Uninfected")} | {group.Select(s => s.Patient).Distinct().Count()} |");
        text.AppendLine().AppendLine($"Dataset fingerprint `{manifest.DatasetFingerprint}`, split hash `{manifest.SplitHash}`, source `{manifest.DatasetSource}`.").AppendLine();
        Figures(text, run, spec, Figure.Data);
        text.AppendLine($"## {Figure.Learned}").AppendLine();
        Figures(text, run, spec, Figure.Learned);
        text.AppendLine("## Spec").AppendLine().AppendLine("```yaml").Append(spec.ToYaml()).AppendLine("```").AppendLine();
        var env = manifest.Environment;
        text.AppendLine("## Environment").AppendLine();
        text.AppendLine($"git {env.GitCommit}{(env.GitDirty ? " (dirty)" : "")}; TorchSharp {env.TorchSharpVersion}, LibTorch {env.LibTorchVersion}; {env.DotNetVersion}; {env.Os}; {env.CpuModel}; {manifest.Threads} threads; seed {manifest.Seed}; spec hash `{manifest.SpecHash}`.");
        return text.ToString();
    }

    /// <summary>Every registered figure of a section that the run has, with its caption.</summary>
    static void Figures(StringBuilder text, RunFolder run, ExperimentSpec spec, string section)
    {
        foreach (var figure in FigureRegistry.All.Where(f => f.Section == section && File.Exists(run.File("plots/" + f.FileName))))
            text.AppendLine($"{figure.Caption(spec)}:").AppendLine().AppendLine($"![{Path.GetFileNameWithoutExtension(figure.FileName)}](plots/{figure.FileName})").AppendLine();
    }

    /// <summary>A self-contained HTML rendering of the same content (images referenced relatively).</summary>
    public static string Html(string markdown)
    {
        var html = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>MalariaLab report</title>\n" +
            "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}img{max-width:49%}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}pre{background:#f6f6f6;padding:8px}</style></head><body>\n");
        bool code = false, table = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("```")) { html.Append(code ? "</pre>\n" : "<pre>"); code = !code; continue; }
            if (code) { html.Append(WebUtility.HtmlEncode(line)).Append('\n'); continue; }
            if (line.StartsWith('|'))
            {
                if (line.Contains("---")) continue;
                if (!table) { html.Append("<table>\n"); table = true; }
                html.Append("<tr>").Append(string.Concat(line.Trim('|').Split('|').Select(c => $"<td>{Inline(c.Trim())}</td>"))).Append("</tr>\n");
                continue;
            }
            if (table) { html.Append("</table>\n"); table = false; }
            if (line.StartsWith("# ")) html.Append($"<h1>{Inline(line[2..])}</h1>\n");
            else if (line.StartsWith("## ")) html.Append($"<h2>{Inline(line[3..])}</h2>\n");
            else if (line.StartsWith("> ")) html.Append($"<p><strong>{Inline(line[2..])}</strong></p>\n");
            else if (line.Length > 0) html.Append($"<p>{Inline(line)}</p>\n");
        }
        if (table) html.Append("</table>\n");
        return html.Append("</body></html>\n").ToString();
    }

    static string Inline(string text)
    {
        string encoded = WebUtility.HtmlEncode(text);
        encoded = System.Text.RegularExpressions.Regex.Replace(encoded, @"!\[([^\]]*)\]\(([^)]+)\)", "<img alt=\"$1\" src=\"$2\">");
        encoded = System.Text.RegularExpressions.Regex.Replace(encoded, @"\*\*([^*]+)\*\*", "<strong>$1</strong>");
        return System.Text.RegularExpressions.Regex.Replace(encoded, "`([^`]+)`", "<code>$1</code>");
    }
}
