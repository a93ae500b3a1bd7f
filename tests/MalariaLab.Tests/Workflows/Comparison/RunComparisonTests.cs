using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Comparison;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Comparison;

public class RunComparisonTests
{
    [Fact]
    public void Spec_differences_and_metric_deltas_on_two_hand_made_runs()
    {
        using var temp = new TempFolder();
        var a = ComparedRun.Load(HandMadeRun.Write(temp.File("a"), "name: x\nseed: 1\ntrain: {lr: 0.001}\n", accuracy: 0.90));
        var b = ComparedRun.Load(HandMadeRun.Write(temp.File("b"), "name: x\nseed: 2\ntrain: {lr: 0.001}\n", accuracy: 0.93));

        var differences = RunComparison.SpecDifferences([a, b]);
        Assert.Equal(["seed"], differences.Select(d => d.Key));
        Assert.Equal(["1", "2"], differences[0].Values);

        string markdown = RunComparison.Markdown([a, b]);
        Assert.Contains("| accuracy | 0.9000 | 0.9300 (+0.0300) |", markdown);
        Assert.Contains("| `seed` | 1 | 2 |", markdown);
        Assert.Contains("Same data and split: yes.", markdown);
        Assert.True(RunComparison.SameData([a, b]));
    }

    [Fact]
    public void Different_data_is_reported()
    {
        using var temp = new TempFolder();
        var a = ComparedRun.Load(HandMadeRun.Write(temp.File("a"), "name: x\nseed: 1\n", 0.9));
        var b = ComparedRun.Load(HandMadeRun.Write(temp.File("b"), "name: x\nseed: 1\n", 0.9, split: "s2s2s2s2s2s2s2s2s2"));
        Assert.False(RunComparison.SameData([a, b]));
        Assert.Contains("Same data and split: **no**.", RunComparison.Markdown([a, b]));
    }

    [Fact]
    public void Seed_summary_gives_mean_and_sample_std_per_setting()
    {
        using var temp = new TempFolder();
        var runs = new[] { (1, 0.90), (2, 0.92), (3, 0.95) }
            .Select(p => ComparedRun.Load(HandMadeRun.Write(temp.File($"r{p.Item1}"), $"name: x\nseed: {p.Item1}\n", p.Item2))).ToList();
        Assert.Contains("| (all) | 3 | 0.9233 ± 0.0252 |", RunComparison.SeedSummary(runs));
    }

    [Fact]
    public void Comparison_files_are_written_with_a_page_and_every_overlay()
    {
        using var temp = new TempFolder();
        var runs = new[] { ("a", 1), ("b", 2) }.Select(p =>
        {
            var run = HandMadeRun.Write(temp.File(p.Item1), $"name: x\nseed: {p.Item2}\n", 0.9);
            // The same 40 images, scored a little differently by each run.
            File.WriteAllText(run.File("predictions.csv"), "path,label,probability_parasitized,predicted\n" + string.Concat(Enumerable.Range(0, 40).Select(i =>
            {
                string label = i % 2 == 0 ? "Parasitized" : "Uninfected";
                double probability = (i % 2 == 0 ? 0.6 : 0.4) + (i % 7 - 3) * 0.05 * p.Item2;
                return $"img{i}.png,{label},{probability.ToString("R", System.Globalization.CultureInfo.InvariantCulture)},{(probability >= 0.5 ? "Parasitized" : "Uninfected")}\n";
            })));
            return ComparedRun.Load(run);
        }).ToList();
        RunComparison.Write(runs, temp.File("out"));
        Assert.True(File.Exists(temp.File("out/comparison.md")) && File.Exists(temp.File("out/comparison.csv")));
        foreach (var figure in ComparisonFigures.Files)
            Assert.Equal("PNG", SixLabors.ImageSharp.Image.DetectFormat(temp.File($"out/{figure}"))?.Name);
        // The page embeds exactly the overlays written (by content) and carries the paired tests.
        string html = File.ReadAllText(temp.File("out/comparison.html"));
        var embedded = System.Text.RegularExpressions.Regex.Matches(html, "src=\"data:image/png;base64,([^\"]+)\"")
            .Select(m => Hashing.Sha256Hex(Convert.FromBase64String(m.Groups[1].Value))).Order().ToList();
        Assert.Equal(ComparisonFigures.Files.Select(f => Hashing.Sha256OfFile(temp.File($"out/{f}"))).Order().ToList(), embedded);
        Assert.Contains("McNemar exact p", html);
        Assert.DoesNotContain("<script", html);
    }
}
