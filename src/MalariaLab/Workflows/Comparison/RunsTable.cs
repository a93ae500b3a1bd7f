using System.Globalization;
using System.Text;
using System.Text.Json;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Metrics;
using MalariaLab.Foundation.Runs;

namespace MalariaLab.Workflows.Comparison;

/// <summary>The runs table, like `dvc exp show` or MLflow's runs list: every run of an experiment (or of all), one row
/// each with its status, the spec keys that differ between the listed runs, headline metrics, epochs, time and
/// images/s; as an aligned table, markdown, CSV or JSON, optionally sorted by a metric (best first).</summary>
public static class RunsTable
{
    public sealed record Row(string Run, string Status, Dictionary<string, string> Differing, Dictionary<string, double?> Metrics, int Epochs, double? Seconds, double? ImagesPerSecond);

    public static List<Row> Collect(string runsRoot, string? experiment)
    {
        if (!Directory.Exists(runsRoot)) throw new MalariaLabException($"{runsRoot}: no runs yet");
        var experiments = experiment is null ? Foundation.Common.FolderLinks.Subfolders(runsRoot).Order(StringComparer.Ordinal).ToList() : [Path.Combine(runsRoot, experiment)];
        if (experiment is not null && !Directory.Exists(experiments[0])) throw new MalariaLabException($"{experiment}: no runs of this experiment under {runsRoot}");
        var runs = new List<(string Name, RunManifest Manifest, Dictionary<string, string> Spec, EvaluationMetrics? Metrics)>();
        var unreadable = new List<Row>();
        foreach (var folder in experiments.SelectMany(e => Foundation.Common.FolderLinks.Subfolders(e).Order(StringComparer.Ordinal)))
        {
            if (!File.Exists(Path.Combine(folder, RunManifest.FileName))) continue;
            RunManifest manifest;
            try { manifest = RunManifest.Read(folder); }
            catch (MalariaLabException e)
            {
                // Listed, not dropped: a run that cannot be read is something to look at.
                string reason = e.Message.StartsWith(folder, StringComparison.Ordinal) ? e.Message[(folder.Length + 2)..] : e.Message;
                unreadable.Add(new Row($"{Path.GetFileName(Path.GetDirectoryName(folder))}/{Path.GetFileName(folder)}", $"unreadable manifest: {reason}", [], [], 0, null, null));
                continue;
            }
            var run = RunFolder.Open(folder);
            var spec = File.Exists(run.File("spec.yaml"))
                ? Foundation.Specs.SpecLoader.LoadFile(run.File("spec.yaml")).Values.InSchemaOrder.ToDictionary(p => p.Key, p => Foundation.Specs.SpecWriter.Display(p.Value)) : [];
            EvaluationMetrics? metrics = null;
            try { metrics = RunFiles.ReadMetrics(run); } catch (MalariaLabException) { }
            runs.Add(($"{manifest.Experiment}/{run.Id}", manifest, spec, metrics));
        }
        var keys = runs.SelectMany(r => r.Spec.Keys).Distinct()
            .Where(k => runs.Select(r => r.Spec.GetValueOrDefault(k, "–")).Distinct().Count() > 1 && k is not ("description" or "name")).ToList(); // the run column names the experiment
        return runs.Select(r => new Row(r.Name, r.Manifest.Status,
            keys.ToDictionary(k => k, k => r.Spec.GetValueOrDefault(k, "–")),
            MetricRegistry.All.ToDictionary(m => m.Name, m => r.Metrics?.Metrics.TryGetValue(m.Name, out double v) == true ? v : (double?)null),
            r.Manifest.EpochsRun, r.Manifest.Ended is { } end ? (end - r.Manifest.Started).TotalSeconds : null, r.Manifest.ImagesPerSecond))
            .Concat(unreadable.Select(u => u with
            {
                Differing = keys.ToDictionary(k => k, _ => "–"),
                Metrics = MetricRegistry.All.ToDictionary(m => m.Name, _ => (double?)null),
            })).ToList();
    }

    public static List<Row> Sort(List<Row> rows, string? metric)
    {
        if (metric is null) return rows;
        if (!MetricRegistry.All.Any(m => m.Name == metric))
            throw new MalariaLabException($"--sort={metric}: expected a headline metric ({string.Join(", ", MetricRegistry.All.Select(m => m.Name))})");
        return rows.OrderByDescending(r => r.Metrics[metric] ?? double.NegativeInfinity).ThenBy(r => r.Run, StringComparer.Ordinal).ToList();
    }

    static IReadOnlyList<string> Header(List<Row> rows) =>
        ["run", "status", .. (IEnumerable<string>?)rows.FirstOrDefault()?.Differing.Keys ?? [], .. MetricRegistry.All.Select(m => m.Name), "epochs", "seconds", "images_per_second"];

    static IReadOnlyList<string> Cells(Row r) =>
        [r.Run, r.Status, .. r.Differing.Values, .. r.Metrics.Values.Select(v => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "–"),
         r.Epochs.ToString(CultureInfo.InvariantCulture), r.Seconds is { } s ? s.ToString("F0", CultureInfo.InvariantCulture) : "–",
         r.ImagesPerSecond is { } ips ? ips.ToString("F0", CultureInfo.InvariantCulture) : "–"];

    public static string Format(List<Row> rows, string format) => format switch
    {
        "table" => Aligned(rows),
        "md" => "| " + string.Join(" | ", Header(rows)) + " |\n|" + string.Concat(Header(rows).Select(_ => " --- |")) + "\n" +
                string.Concat(rows.Select(r => "| " + string.Join(" | ", Cells(r).Select(c => c.Replace("|", "\\|"))) + " |\n")),
        "csv" => Csv.Write(Header(rows), rows.Select(Cells)),
        "json" => JsonSerializer.Serialize(rows, RunManifest.Json) + "\n",
        _ => throw new MalariaLabException($"--format={format}: expected table, md, csv or json"),
    };

    static string Aligned(List<Row> rows)
    {
        var all = new List<IReadOnlyList<string>> { Header(rows) };
        all.AddRange(rows.Select(Cells));
        var widths = Enumerable.Range(0, all[0].Count).Select(i => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all) text.Append(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd()).Append('\n');
        return text.ToString();
    }
}
