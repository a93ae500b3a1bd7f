using MalariaLab.Foundation.Common;
using System.Globalization;
using System.Text;
using MalariaLab.Scoring.Figures;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;

namespace MalariaLab.Scoring.Reporting;

/// <summary>report.md and report.html: result (metrics, per-patient table), training, data and split (with a warning
/// when a validation or test patient also has training images), every registered figure with its caption, spec,
/// environment, and the research-only notice.</summary>
public static class ReportWriter
{
    public const string Notice = "For research only: this model is not a medical device and must not be used for diagnosis.";

    public static string Markdown(RunFolder run, RunManifest manifest, EvaluationMetrics metrics, ExperimentSpec spec)
    {
        var split = SplitFile.Read(run.File("split.csv"));
        var text = new StringBuilder();
        text.AppendLine($"# {manifest.Experiment} — run {manifest.RunId}").AppendLine();
        text.AppendLine($"> {Notice}").AppendLine();
        if (PatientOverlap.Of(split) is { } overlap) text.AppendLine($"> **Warning:** {overlap}").AppendLine();
        text.AppendLine($"## {Figure.Result}").AppendLine();
        text.AppendLine($"Scored on the **{metrics.Subset}** subset ({metrics.Images} images) with `{metrics.Weights}`, threshold {metrics.Threshold.ToString(CultureInfo.InvariantCulture)}.").AppendLine();
        MetricsTable(text, metrics);
        text.AppendLine("```").Append(metrics.Report.ToText()).AppendLine("```").AppendLine();
        Figures(text, run.Path, spec, Figure.Result);
        PatientTable(text, run.Path);
        text.AppendLine($"Later evaluations of this run (another threshold, the test subset, new labelled data): [evaluations/index.html]({EvaluationManifest.Folder}/index.html), written by `Evaluate --run=...` (none until the first).").AppendLine();
        text.AppendLine($"## {Figure.Training}").AppendLine();
        text.AppendLine($"{manifest.EpochsRun} epochs; best epoch {manifest.BestEpoch} (val accuracy {manifest.BestValAccuracy:F4}); {manifest.StopReason}; mean {manifest.ImagesPerSecond:F0} images/s on {manifest.Threads} threads.").AppendLine();
        Figures(text, run.Path, spec, Figure.Training);
        text.AppendLine($"## {Figure.Data}").AppendLine();
        text.AppendLine("| subset | images | Parasitized | Uninfected | patients |");
        text.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var group in split.GroupBy(s => s.Subset).OrderBy(g => g.Key, StringComparer.Ordinal))
            text.AppendLine($"| {group.Key} | {group.Count()} | {group.Count(s => s.Label == "Parasitized")} | {group.Count(s => s.Label == "Uninfected")} | {group.Select(s => s.Patient).Distinct().Count()} |");
        text.AppendLine().AppendLine($"Dataset fingerprint `{Short(manifest.DatasetFingerprint)}`, split hash `{Short(manifest.SplitHash)}` (full values in `manifest.json`), source `{Source(manifest.DatasetSource)}`.").AppendLine();
        Figures(text, run.Path, spec, Figure.Data);
        text.AppendLine($"## {Figure.Learned}").AppendLine();
        Figures(text, run.Path, spec, Figure.Learned);
        text.AppendLine("## Model").AppendLine().AppendLine($"`{spec.Model.Arch}` at {spec.Preprocess.Size} px, layer by layer (Keras order: height, width, channels):").AppendLine();
        using (var model = Modelling.Models.ModelRegistry.Create(spec.Model, spec.Preprocess.Size))
            text.AppendLine("```").Append(Modelling.Models.ModelSummary.Describe(model, spec.Preprocess.Size).TrimEnd('\n')).AppendLine().AppendLine("```").AppendLine();
        text.AppendLine("## Reproduce").AppendLine().AppendLine("Train this run again from its own spec and compare every model file byte for byte (equal at the same CPU instruction set and thread count):").AppendLine();
        text.AppendLine("```sh").AppendLine($"./build.sh --target=Reproduce --run={manifest.Experiment}/{manifest.RunId}").AppendLine("```").AppendLine();
        text.AppendLine($"Or train it anew: `./build.sh --target=Train --experiment={RunFolderName(manifest)}/spec.yaml --set=train.threads={manifest.Threads}` with the data source above (`--dataset-source=...` when it is a local file or folder).").AppendLine();
        text.AppendLine("## Spec").AppendLine().AppendLine("```yaml").Append(spec.ToYaml()).AppendLine("```").AppendLine();
        var env = manifest.Environment;
        text.AppendLine("## Environment").AppendLine();
        text.AppendLine($"{Environment(env)}; {manifest.Threads} threads; seed {manifest.Seed}; spec hash `{Short(manifest.SpecHash)}`.");
        return text.ToString();
    }

    static string RunFolderName(RunManifest manifest) => $"artifacts/runs/{manifest.Experiment}/{manifest.RunId}";

    /// <summary>The code and machine a report's numbers came from, one line.</summary>
    public static string Environment(EnvironmentInfo env) =>
        $"git {Short(env.GitCommit)}{(env.GitDirty ? " (dirty)" : "")}; TorchSharp {env.TorchSharpVersion}, LibTorch {env.LibTorchVersion}; {env.DotNetVersion}; {env.Os}; {env.CpuModel}";

    /// <summary>The headline metrics of the registry, one row.</summary>
    public static void MetricsTable(StringBuilder text, EvaluationMetrics metrics)
    {
        var headline = MetricRegistry.All.Where(m => metrics.Metrics.ContainsKey(m.Name)).ToList();
        text.AppendLine("| " + string.Join(" | ", headline.Select(m => m.Name)) + " |");
        text.AppendLine("|" + string.Concat(headline.Select(_ => " --- |")));
        text.AppendLine("| " + string.Join(" | ", headline.Select(m => metrics[m.Name].ToString("F4", CultureInfo.InvariantCulture))) + " |").AppendLine();
    }

    /// <summary>Every registered figure of a section that exists under <paramref name="folder"/>/plots, with its caption.</summary>
    public static void Figures(StringBuilder text, string folder, ExperimentSpec spec, string section)
    {
        foreach (var figure in FigureRegistry.All.Where(f => f.Section == section && File.Exists(Path.Combine(folder, "plots", f.FileName))))
            text.AppendLine($"{figure.Caption(spec)}:").AppendLine().AppendLine($"![{Path.GetFileNameWithoutExtension(figure.FileName)}](plots/{figure.FileName})").AppendLine();
    }

    /// <summary>per_patient.csv of <paramref name="folder"/> as a table: how each scored patient's cells fared.</summary>
    public static void PatientTable(StringBuilder text, string folder)
    {
        string csv = Path.Combine(folder, "per_patient.csv");
        if (!File.Exists(csv)) return;
        var rows = Foundation.Common.Csv.ReadRecords(csv, "patient", "images", "parasitized", "predicted_parasitized", "accuracy");
        text.AppendLine("Per patient (scored subset):").AppendLine();
        text.AppendLine("| patient | images | Parasitized | predicted Parasitized | accuracy |").AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var r in rows)
            text.AppendLine($"| {MarkdownText.Cell(r["patient"])} | {r["images"]} | {r["parasitized"]} | {r["predicted_parasitized"]} | {double.Parse(r["accuracy"], CultureInfo.InvariantCulture):F4} |");
        text.AppendLine();
    }

    static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    /// <summary>A local source as an absolute path (never relative to whoever ran it), a URL as it is.</summary>
    static string Source(string source) => source.Contains("://") || source.Length == 0 ? source : Path.GetFullPath(source);

    /// <summary>The report as one HTML file: images embedded as data URIs (it can be mailed alone), semantic tables.</summary>
    public static string Html(string markdown, string folder) => HtmlPage.From(markdown, folder);
}
