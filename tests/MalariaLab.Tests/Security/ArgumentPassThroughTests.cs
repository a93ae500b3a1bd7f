using System.Diagnostics;
using System.Text.Json;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Security;

/// <summary>build.sh → Cake → CLI hands every argument over as typed: quotes, backslashes before quotes, $(), backticks,
/// ';', newlines and unicode stay inside their own argument and can never become another option. Exit codes pass through.</summary>
public class ArgumentPassThroughTests
{
    static (int Exit, string Stdout, string Stderr) BuildSh(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(TestPaths.RepoRoot, "build.sh")) { WorkingDirectory = TestPaths.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    static string ValueOf(string yaml, string key) =>
        JsonSerializer.Deserialize<string>(yaml.Split('\n').Single(l => l.TrimStart().StartsWith(key + ": ", StringComparison.Ordinal)).Split(": ", 2)[1])!;

    [UnixFact]
    public void Hostile_argument_text_reaches_the_cli_as_one_argument()
    {
        string quotes = "a\\\" --dataset-source=other.zip \\\\\" '--set=name=evil'";
        string shell = "$(touch /tmp/malarialab-pwned) `id` ; rm -rf / && echo | cat";
        string lines = "first\nsecond --artifacts=/tmp/x\r\nthird";
        string unicode = "Plasmodium falciparum – ünïcödé ✓ 🦟";
        var (exit, stdout, stderr) = BuildSh("--target=Spec", "--exclusive", "--experiment=experiments/ci-smoke.yaml",
            $"--set=description={JsonSerializer.Serialize(quotes)}", $"--set=dataset.corrections_source={JsonSerializer.Serialize(shell)}",
            $"--set=dataset.patient_maps_source={JsonSerializer.Serialize(lines)}", $"--set=dataset.source={JsonSerializer.Serialize(unicode)}");
        Assert.True(exit == 0, stderr + stdout);
        Assert.Equal(quotes, ValueOf(stdout, "description"));
        Assert.Equal(shell, ValueOf(stdout, "corrections_source"));
        Assert.Equal(lines, ValueOf(stdout, "patient_maps_source"));
        Assert.Equal(unicode, ValueOf(stdout, "source"));
        Assert.Contains("name: \"ci-smoke\"", stdout);
        Assert.False(File.Exists("/tmp/malarialab-pwned"));
    }

    [UnixFact]
    public void The_injection_from_the_red_team_report_stays_in_the_description()
    {
        var (exit, stdout, stderr) = BuildSh("--target=Spec", "--exclusive", "--experiment=experiments/ci-smoke.yaml", "--set=description=a\\\" --dataset-source=other.zip");
        Assert.True(exit == 0, stderr + stdout);
        Assert.Equal("a\\\" --dataset-source=other.zip", ValueOf(stdout, "description"));
        Assert.Equal("../shared/data/nih-cell-images-sample.zip", ValueOf(stdout, "source"));
    }

    [UnixFact]
    public void Usage_errors_keep_their_exit_code_through_build_sh()
    {
        var (exit, _, stderr) = BuildSh("--target=Spec", "--exclusive", "--no-such-option=1");
        Assert.Equal(2, exit);
        Assert.Contains("Unrecognized command or argument '--no-such-option=1'", stderr);
    }

    [UnixFact]
    public void An_unknown_target_lists_every_target_and_exits_2()
    {
        var (exit, stdout, stderr) = BuildSh("--target=Trian");
        Assert.Equal(2, exit);
        Assert.Contains("error: unknown target 'Trian'.", stderr);
        foreach (var target in new[] { "Train", "Status", "Runs", "Predict", "Help", "Dag" }) Assert.Contains($"  {target,-11} ", stdout + stderr);
    }
}
