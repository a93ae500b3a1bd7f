using System.Text.RegularExpressions;
using MalariaLab.Workflows.Comparison;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Comparison;

/// <summary>runs.html: one self-contained page with a row per run, the differing keys and metrics, links to the reports
/// that exist, and text from run folders escaped.</summary>
public class RunsDashboardTests
{
    [Fact]
    public void The_page_lists_every_run_links_reports_and_escapes_text()
    {
        using var temp = new TempFolder();
        HandMadeRun.Write(temp.File("runs/sweep/20260101-000000-01"), "name: sweep\nseed: 1\n", 0.90);
        var published = HandMadeRun.Write(temp.File("runs/sweep/20260101-000000-02"), "name: sweep\nseed: 2\n", 0.95);
        File.WriteAllText(published.File("report.html"), "<html></html>");
        Directory.CreateDirectory(temp.File("runs/sweep/<b>odd"));
        File.WriteAllText(temp.File("runs/sweep/<b>odd/manifest.json"), "{ not json <script>");

        string path = RunsDashboard.Write(RunsTable.Collect(temp.File("runs"), null), temp.Path);

        Assert.Equal(temp.File("runs.html"), path);
        string html = File.ReadAllText(path);
        string body = html[html.IndexOf("<tbody>", StringComparison.Ordinal)..html.IndexOf("</tbody>", StringComparison.Ordinal)];
        Assert.Equal(3, Regex.Matches(body, "<tr>").Count);
        Assert.Contains("<th scope=\"col\">seed</th>", html);
        Assert.Contains("<th scope=\"col\">accuracy</th>", html);
        Assert.Contains("<th scope=\"col\">roc_<wbr>auc</th>", html);
        Assert.Contains("<a href=\"runs/sweep/20260101-000000-02/report.html\">sweep/20260101-000000-02</a>", body);
        Assert.DoesNotContain("runs/sweep/20260101-000000-01/report.html", body); // no report, no dead link
        Assert.Contains("<td class=\"n\">0.9500</td>", body);
        Assert.Contains("sweep/&lt;b&gt;odd", body);
        Assert.DoesNotContain("<b>odd", html);
        Assert.DoesNotContain("<script>", body);
        Assert.DoesNotContain("src=\"http", html); // self-contained: no external script or style
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }
}
