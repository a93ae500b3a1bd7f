using System.Diagnostics;

namespace MalariaLab.Tests.Support;

/// <summary>Runs the CLI in its own process (for cross-process determinism and exit-code tests).</summary>
public static class CliProcess
{
    /// <summary>Starts the CLI with stderr (its log) redirected: read it to follow progress; kill it to simulate a crash.</summary>
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = TestPaths.RepoRoot, RedirectStandardError = true };
        start.ArgumentList.Add(TestPaths.CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    public static (int Exit, string Output) Run(string workingDirectory, params string[] args) =>
        RunWithEnvironment(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Run, with these environment variables added to the test's.</summary>
    public static (int Exit, string Output) RunWithEnvironment(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(TestPaths.CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
