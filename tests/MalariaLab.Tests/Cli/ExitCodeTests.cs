using System.Diagnostics;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Cli;

/// <summary>Documented exit codes come back unchanged through build.sh, and stdout carries only the result.</summary>
[Collection(LibTorchCollection.Name)]
public class ExitCodeTests(TinyRun tiny) : IClassFixture<TinyRun>
{
    [UnixFact]
    public async Task Predict_with_an_unreadable_image_exits_4_through_build_sh_and_stdout_is_only_the_csv()
    {
        using var input = new TempFolder();
        File.WriteAllBytes(input.File("good.png"), SyntheticData.Png(12, 10));
        File.WriteAllText(input.File("broken.png"), "not a png");
        var start = new ProcessStartInfo(Path.Combine(TestPaths.RepoRoot, "build.sh")) { WorkingDirectory = TestPaths.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--target=Predict", "--exclusive", $"--run={tiny.Run.Path}", $"--input={input.Path}" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        string stderr = await stderrTask;
        Assert.True(process.ExitCode == 4, $"exit {process.ExitCode}: {stderr}");
        // build.sh calls the CLI itself for stage targets: stdout is the CSV and nothing else (no Cake banners).
        var csv = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("path,probability_parasitized,label,error", csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.All(csv[1..], line => Assert.StartsWith(input.Path, line));
        Assert.Contains("predict: 2 images, ", stderr);
    }

    [UnixFact]
    public void Runs_as_json_through_build_sh_parses_and_a_typo_gets_a_suggestion()
    {
        var start = new ProcessStartInfo(Path.Combine(TestPaths.RepoRoot, "build.sh")) { WorkingDirectory = TestPaths.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--target=Runs", "--exclusive", "--format=json", $"--artifacts={tiny.Options.Artifacts}" }) start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, stderr.Result);
            using var json = System.Text.Json.JsonDocument.Parse(stdout);
            Assert.Equal(1, json.RootElement.GetArrayLength());
        }
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "evaluate", $"--run={tiny.Run.Path}", "--threshold=abc");
        Assert.Equal(2, exit);
        Assert.Contains("--threshold: 'abc' is not a number", output);
        Assert.Contains("see: ./build.sh --target=Evaluate --help", output);
        (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "download", "--http-timeout=30s");
        Assert.Equal(2, exit);
        Assert.Contains("--http-timeout: '30s' is not a whole number", output);
    }

    [Fact]
    public async Task Predict_through_the_cli_writes_nothing_but_csv_to_stdout()
    {
        using var input = new TempFolder();
        File.WriteAllBytes(input.File("cell.png"), SyntheticData.Png(12, 10));
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = TestPaths.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { TestPaths.CliDll, "predict", $"--run={tiny.Run.Path}", $"--input={input.File("cell.png")}" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        string stderr = await stderrTask;
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(2, stdout.TrimEnd('\n').Split('\n').Length);
        Assert.StartsWith("path,probability_parasitized,label\n" + input.File("cell.png") + ",", stdout); // no error column: nothing failed
        Assert.Contains("predict: 1 image, ", stderr);
    }
}
