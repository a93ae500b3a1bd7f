using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Foundation.Runs;

/// <summary>manifest.json is inside the seal (manifest.sha256) and every field a reader uses is checked first.</summary>
public class ManifestSealTests
{
    [Fact]
    public void An_edited_manifest_is_refused_in_one_line_by_the_seal()
    {
        using var temp = new TempFolder();
        var run = HandMadeRun.Write(temp.File("20260101-000000-01"), "name: x\nseed: 1\n", 0.9);
        RunSeal.Verify(run, RunManifest.Read(run.Path));
        string text = File.ReadAllText(run.File("manifest.json"));
        File.WriteAllText(run.File("manifest.json"), text.Replace("\"threads\": 2", "\"threads\": 3"));
        var e = Assert.Throws<MalariaLabException>(() => RunSeal.Verify(run, RunManifest.Read(run.Path)));
        Assert.Matches(@"manifest\.json has SHA-256 [0-9a-f]{64}, manifest\.sha256 says [0-9a-f]{64} \(edited\?\)$", e.Message);
        File.Delete(run.File("manifest.sha256"));
        Assert.Contains("manifest.sha256 is missing", Assert.Throws<MalariaLabException>(() => RunSeal.Verify(run, RunManifest.Read(run.Path))).Message);
    }

    [Theory]
    [InlineData("\"threads\": 2", "\"threads\": -5", "'threads' is -5; expected 1..1024")]
    [InlineData("\"status\": \"published\"", "\"status\": \"hacked\"", "'status' is \"hacked\"")]
    [InlineData("\"experiment\": \"x\"", "\"experiment\": \"../../etc\"", "'experiment' is \"../../etc\"")]
    [InlineData("\"weights/best.bin\":", "\"../../outside\":", "'files' is \"../../outside\"")]
    public void Fields_are_checked_before_use_naming_the_field(string from, string to, string expected)
    {
        using var temp = new TempFolder();
        var run = HandMadeRun.Write(temp.File("20260101-000000-01"), "name: x\nseed: 1\n", 0.9);
        string text = File.ReadAllText(run.File("manifest.json"));
        Assert.Contains(from, text);
        File.WriteAllText(run.File("manifest.json"), text.Replace(from, to));
        var e = Assert.Throws<MalariaLabException>(() => RunManifest.Read(run.Path));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(run.File("manifest.json"), e.Message);
    }

    [Fact]
    public void Predict_refuses_a_manifest_with_a_negative_thread_count_instead_of_aborting()
    {
        using var temp = new TempFolder();
        var run = HandMadeRun.Write(temp.File("20260101-000000-01"), "name: x\nseed: 1\n", 0.9);
        File.WriteAllText(run.File("manifest.json"), File.ReadAllText(run.File("manifest.json")).Replace("\"threads\": 2", "\"threads\": -5"));
        File.WriteAllBytes(temp.File("cell.png"), SyntheticData.Png(12, 10));
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "predict", $"--run={run.Path}", $"--input={temp.File("cell.png")}");
        Assert.Equal(1, exit);
        Assert.Contains("'threads' is -5; expected 1..1024 (edited?)", output);
    }

    [Fact]
    public void A_manifest_with_null_files_or_environment_is_refused_naming_the_field()
    {
        using var temp = new TempFolder();
        var run = HandMadeRun.Write(temp.File("20260101-000000-01"), "name: x\nseed: 1\n", 0.9);
        string text = File.ReadAllText(run.File("manifest.json"));
        File.WriteAllText(run.File("manifest.json"), System.Text.RegularExpressions.Regex.Replace(text, "\"files\": \\{[^}]*\\}", "\"files\": null"));
        Assert.Contains("'files' is null", Assert.Throws<MalariaLabException>(() => RunManifest.Read(run.Path)).Message);
    }
}
