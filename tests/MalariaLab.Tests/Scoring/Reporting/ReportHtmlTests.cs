using MalariaLab.Scoring.Reporting;
using MalariaLab.Data.Splitting;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Scoring.Reporting;

/// <summary>report.html is one file that can be mailed: every image embedded, tables with header cells, text that wraps.</summary>
[Collection(LibTorchCollection.Name)]
public class ReportHtmlTests(TinyRun tiny) : IClassFixture<TinyRun>
{
    [Fact]
    public void The_report_embeds_every_image_and_uses_header_cells()
    {
        string html = File.ReadAllText(tiny.Run.File("report.html"));
        Assert.DoesNotContain("src=\"plots/", html);
        int images = html.Split("<img ").Length - 1;
        Assert.True(images >= 6, $"{images} images");
        Assert.Equal(images, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.Contains("<thead><tr><th scope=\"col\">", html);
        Assert.Contains("overflow-wrap:anywhere", html);
        Assert.Contains("Per patient", html);
        // The pictures are in the page itself: every embedded image is, byte for byte, one of the run's plots/*.png
        // (so the page shows them when mailed alone), and every plot is embedded.
        var embedded = System.Text.RegularExpressions.Regex.Matches(html, "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")
            .Select(m => MalariaLab.Foundation.Common.Hashing.Sha256Hex(Convert.FromBase64String(m.Groups[1].Value))).ToHashSet();
        var plots = Directory.GetFiles(tiny.Run.File("plots"), "*.png").Select(f => MalariaLab.Foundation.Common.Hashing.Sha256Hex(File.ReadAllBytes(f))).ToHashSet();
        Assert.Equal(images, embedded.Count);
        Assert.True(embedded.SetEquals(plots), $"{embedded.Count} embedded images, {plots.Count} plots, {embedded.Intersect(plots).Count()} in common");
    }

    [Fact]
    public void Shared_patients_between_training_and_scoring_are_a_visible_warning()
    {
        Assert.Contains("class=\"warning\"", File.ReadAllText(tiny.Run.File("report.html"))); // stratified: patients in both
        var byPatient = new List<SplitRow> { new("a", "Parasitized", "P1", Subsets.Train), new("b", "Uninfected", "P2", Subsets.Validation) };
        Assert.Null(PatientOverlap.Of(byPatient));
        var shared = byPatient.Append(new SplitRow("c", "Uninfected", "P1", Subsets.Validation)).ToList();
        Assert.StartsWith("1 of 2 validation patients also have cells in the training set", PatientOverlap.Of(shared));
    }

    [Fact]
    public void Links_are_relative_or_http_never_javascript()
    {
        string html = HtmlPage.From("[ok](evaluations/index.html) [web](https://example.org) [evil](javascript:alert(1))", "/nonexistent");
        Assert.Contains("<a href=\"evaluations/index.html\">ok</a>", html);
        Assert.Contains("<a href=\"https://example.org\">web</a>", html);
        Assert.DoesNotContain("href=\"javascript", html);
    }
}
