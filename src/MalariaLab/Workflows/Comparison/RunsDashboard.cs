using System.Globalization;
using System.Net;
using System.Text;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Workflows.Comparison;

/// <summary>`runs --format=html`: the runs table as one self-contained page (artifacts/runs.html), what MLflow's runs
/// list gives without a server: every run and ensemble, sortable by any column (click its header), filtered by a text
/// box, each run linking its report.</summary>
public static class RunsDashboard
{
    public const string FileName = "runs.html";

    /// <summary>Writes the page beside the runs folder and returns its path.</summary>
    public static string Write(List<RunsTable.Row> rows, string artifacts)
    {
        string path = Path.Combine(artifacts, FileName);
        AtomicFile.WriteAllText(path, Html(rows, Path.Combine(artifacts, "runs")));
        return path;
    }

    /// <summary>Long key names wrap after their dots and underscores, never inside a word.</summary>
    static string Breakable(string header) => header.Replace(".", ".<wbr>").Replace("_", "_<wbr>");

    public static string Html(List<RunsTable.Row> rows, string runsRoot)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        static string N(double? v, string format) => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "";
        var keys = rows.FirstOrDefault()?.Differing.Keys.ToList() ?? [];
        var metrics = rows.FirstOrDefault()?.Metrics.Keys.ToList() ?? [];
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>MalariaLab runs</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;font-size:13px}")
            .Append("th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f0f0f0;cursor:pointer;user-select:none;font-weight:600}td{white-space:nowrap}")
            .Append("td.n{text-align:right;font-variant-numeric:tabular-nums}tr:nth-child(even){background:#fafafa}th.asc::after{content:' ▲'}th.desc::after{content:' ▼'}")
            .Append("input{font-size:14px;padding:4px;width:24em;margin-bottom:8px}.bad{color:#b00}</style></head><body>\n")
            .Append($"<h1>Runs</h1>\n<p>{rows.Count} run{(rows.Count == 1 ? "" : "s")} under <code>{E(runsRoot)}</code>, written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. ")
            .Append("Click a column to sort; type to filter (every word must appear in the row). Spec keys shown are those that differ between runs.</p>\n")
            .Append("<input id=\"filter\" type=\"search\" placeholder=\"filter, e.g. published augmented\" aria-label=\"filter runs\">\n<table id=\"runs\"><thead><tr>");
        foreach (var h in new[] { "run", "status" }.Concat(keys).Concat(metrics).Concat(["epochs", "seconds", "images/s"]))
            html.Append($"<th scope=\"col\">{Breakable(E(h))}</th>");
        html.Append("</tr></thead><tbody>\n");
        foreach (var r in rows)
        {
            string report = Path.Combine(runsRoot, r.Run, "report.html");
            string run = File.Exists(report) ? $"<a href=\"runs/{E(r.Run)}/report.html\">{E(r.Run)}</a>" : E(r.Run);
            html.Append($"<tr><td>{run}</td><td{(r.Status == "published" ? "" : " class=\"bad\"")}>{E(r.Status)}</td>");
            foreach (var k in keys) html.Append($"<td>{E(r.Differing[k])}</td>");
            foreach (var m in metrics) html.Append($"<td class=\"n\">{N(r.Metrics[m], "F4")}</td>");
            html.Append($"<td class=\"n\">{r.Epochs}</td><td class=\"n\">{N(r.Seconds, "F0")}</td><td class=\"n\">{N(r.ImagesPerSecond, "F0")}</td></tr>\n");
        }
        html.Append("</tbody></table>\n<script>\n")
            .Append("const table=document.getElementById('runs'),body=table.tBodies[0];\n")
            .Append("document.getElementById('filter').addEventListener('input',e=>{const words=e.target.value.toLowerCase().split(/\\s+/).filter(w=>w);")
            .Append("for(const row of body.rows){const text=row.textContent.toLowerCase();row.hidden=!words.every(w=>text.includes(w));}});\n")
            .Append("table.tHead.rows[0].querySelectorAll('th').forEach((th,i)=>th.addEventListener('click',()=>{")
            .Append("const asc=!th.classList.contains('asc');table.tHead.querySelectorAll('th').forEach(h=>h.classList.remove('asc','desc'));th.classList.add(asc?'asc':'desc');")
            .Append("const key=r=>{const t=r.cells[i].textContent.trim();const n=parseFloat(t);return t!==''&&!isNaN(n)&&/^-?[0-9.]+$/.test(t)?n:t;};")
            .Append("const rows=[...body.rows].sort((a,b)=>{const x=key(a),y=key(b);if(x===''&&y!=='')return 1;if(y===''&&x!=='')return -1;")
            .Append("const c=typeof x==='number'&&typeof y==='number'?x-y:String(x).localeCompare(String(y));return asc?c:-c;});")
            .Append("rows.forEach(r=>body.appendChild(r));}));\n</script>\n</body></html>\n");
        return html.ToString();
    }
}
