using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace MalariaLab.Scoring.Reporting;

/// <summary>Markdown (the subset the reports use) to one self-contained HTML page: images become data URIs, tables
/// have a header row of &lt;th&gt; in &lt;thead&gt;, long words and URLs wrap instead of widening the page.</summary>
public static partial class HtmlPage
{
    const string Style = "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.4;overflow-wrap:anywhere}" +
                         "img{max-width:100%;height:auto;display:block;margin:.5em 0}table{border-collapse:collapse;margin:.5em 0}" +
                         "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;overflow-wrap:normal}th{background:#f0f4f8}" +
                         "pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere}" +
                         ".warning{background:#fdecea;border-left:4px solid #c62828;color:#8b0000;padding:8px}.notice{font-weight:bold}";

    /// <summary>Long metric names (sensitivity_at_99_specificity) may wrap after an underscore, never inside a word.</summary>
    static string BreakAfterUnderscores(string html) => System.Text.RegularExpressions.Regex.Replace(html, "_(?![^<]*>)", "_<wbr>");

    public static string From(string markdown, string folder)
    {
        string title = markdown.Split('\n').FirstOrDefault(l => l.StartsWith("# "))?[2..] ?? "MalariaLab report";
        var html = new StringBuilder($"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">" +
                                     $"<title>{WebUtility.HtmlEncode(title)}</title>\n<style>{Style}</style></head><body>\n");
        bool code = false;
        var table = new List<string>();
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("```")) { html.Append(code ? "</pre>\n" : "<pre>"); code = !code; continue; }
            if (code) { html.Append(WebUtility.HtmlEncode(line)).Append('\n'); continue; }
            if (line.StartsWith('|')) { table.Add(line); continue; }
            if (table.Count > 0) { Table(html, table, folder); table.Clear(); }
            if (line.StartsWith("# ")) html.Append($"<h1>{Inline(line[2..], folder)}</h1>\n");
            else if (line.StartsWith("## ")) html.Append($"<h2>{Inline(line[3..], folder)}</h2>\n");
            else if (line.StartsWith("> **Warning:**")) html.Append($"<p class=\"warning\" role=\"alert\">{Inline(line[2..], folder)}</p>\n");
            else if (line.StartsWith("> ")) html.Append($"<p class=\"notice\">{Inline(line[2..], folder)}</p>\n");
            else if (line.Length > 0) html.Append($"<p>{Inline(line, folder)}</p>\n");
        }
        if (table.Count > 0) Table(html, table, folder);
        return html.Append("</body></html>\n").ToString();
    }

    static void Table(StringBuilder html, List<string> lines, string folder)
    {
        static string[] Cells(string line) => Regex.Split(line.Trim().Trim('|'), @"(?<!\\)\|").Select(c => c.Trim().Replace("\\|", "|")).ToArray();
        bool header = lines.Count > 1 && lines[1].Contains("---");
        html.Append("<table>\n");
        if (header) html.Append("<thead><tr>").Append(string.Concat(Cells(lines[0]).Select(c => $"<th scope=\"col\">{BreakAfterUnderscores(Inline(c, folder))}</th>"))).Append("</tr></thead>\n");
        html.Append("<tbody>\n");
        foreach (var line in lines.Skip(header ? 2 : 0))
            html.Append("<tr>").Append(string.Concat(Cells(line).Select(c => $"<td>{Inline(c, folder)}</td>"))).Append("</tr>\n");
        html.Append("</tbody></table>\n");
    }

    static string Inline(string text, string folder)
    {
        string encoded = WebUtility.HtmlEncode(text);
        encoded = Image().Replace(encoded, m => $"<img alt=\"{m.Groups[1].Value}\" src=\"{DataUri(folder, WebUtility.HtmlDecode(m.Groups[2].Value))}\">");
        // Only relative links and http(s): text from file names must never become a javascript: link.
        encoded = Link().Replace(encoded, m => SafeHref(m.Groups[2].Value) ? $"<a href=\"{m.Groups[2].Value}\">{m.Groups[1].Value}</a>" : m.Value);
        encoded = Bold().Replace(encoded, "<strong>$1</strong>");
        return Code().Replace(encoded, "<code>$1</code>");
    }

    static bool SafeHref(string href) =>
        href.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || href.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || (!href.Contains(':') && !href.StartsWith("//", StringComparison.Ordinal));

    /// <summary>A PNG beside the page as a data URI; a missing file stays a relative link (and shows its alt text).</summary>
    static string DataUri(string folder, string relative)
    {
        string path = Path.Combine(folder, relative);
        return File.Exists(path) && path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)
            ? "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(path))
            : WebUtility.HtmlEncode(relative);
    }

    [GeneratedRegex(@"!\[([^\]]*)\]\(([^)]+)\)")] private static partial Regex Image();
    [GeneratedRegex(@"(?<!!)\[([^\]]+)\]\(([^)]+)\)")] private static partial Regex Link();
    [GeneratedRegex(@"\*\*([^*]+)\*\*")] private static partial Regex Bold();
    [GeneratedRegex("`([^`]+)`")] private static partial Regex Code();
}
