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
        var csv = stdout.Split('\n').Where(l => l.StartsWith("path,") || l.StartsWith(input.Path)).ToList();
        Assert.Equal("path,probability_parasitized,label,error", csv[0]);
        Assert.Equal(2, csv.Count - 1);
        Assert.Contains("predict: 2 images, ", stderr);
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
