using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace MalariaLab.Foundation.Runs;

/// <summary>Code and machine facts recorded with every run.</summary>
public sealed record EnvironmentInfo(
    string GitCommit, bool GitDirty, string MalariaLabVersion, string TorchSharpVersion, string LibTorchVersion,
    string DotNetVersion, string Os, string CpuModel, int LogicalCores)
{
    public static EnvironmentInfo Capture() => new(
        Git("rev-parse HEAD") ?? "unknown",
        (Git("status --porcelain --untracked-files=no") ?? "").Length > 0,
        typeof(EnvironmentInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "unknown",
        TorchSharp.torch.__version__,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription + " " + RuntimeInformation.OSArchitecture,
        ReadCpuModel(),
        Environment.ProcessorCount);

    /// <summary>The code a stage ran: the commit, plus a hash of the uncommitted diff when the tree is dirty (so two
    /// runs of the same edited tree match, and any edit is a change).</summary>
    public static string CodeVersion()
    {
        string? commit = Git("rev-parse HEAD");
        if (commit is null) return Unknown;
        // New files the build compiles are not in `git diff`: their names count too.
        string diff = (Git("diff HEAD") ?? "") + (Git("ls-files --others --exclude-standard") ?? "");
        return diff.Length == 0 ? commit : $"{commit}+dirty.{Foundation.Common.Hashing.Sha256Hex(diff)[..12]}";
    }

    /// <summary>The code version outside a git checkout: Train never reuses a run on it.</summary>
    public const string Unknown = "unknown";

    static string ReadCpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>Runs git in the current directory; null when git or the repository is missing.</summary>
    static string? Git(string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
