using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace MalariaLab.Foundation.Runs;

/// <summary>Code and machine facts recorded with every run.</summary>
public sealed record EnvironmentInfo(
    string GitCommit, bool GitDirty, string MalariaLabVersion, string TorchSharpVersion, string LibTorchVersion,
    string DotNetVersion, string Os, string CpuModel, int LogicalCores)
{
    /// <summary>The code that ran (<see cref="CodeIdentity"/>); what Train's cache key and Reproduce compare.</summary>
    public string Code { get; init; } = "unknown";

    /// <summary>The instruction set oneDNN may use: the CPU's widest vector extension, capped by ONEDNN_MAX_CPU_ISA.
    /// Bitwise equality holds at a fixed ISA and thread count, never across ISAs.</summary>
    public string Isa { get; init; } = "unknown";

    public static EnvironmentInfo Capture() => new(
        Git("rev-parse HEAD") ?? "unknown",
        (Git("status --porcelain --untracked-files=no") ?? "").Length > 0,
        typeof(EnvironmentInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "unknown",
        TorchSharp.torch.__version__,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription + " " + RuntimeInformation.OSArchitecture,
        ReadCpuModel(),
        Environment.ProcessorCount) { Code = CodeIdentity.Value, Isa = ReadIsa() };

    static string ReadIsa()
    {
        string cpu = "unknown";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1]
                    .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet() ?? [];
                cpu = flags.Contains("avx512_bf16") ? "avx512_core_bf16" : flags.Contains("avx512f") ? "avx512_core"
                    : flags.Contains("avx2") ? "avx2" : flags.Contains("avx") ? "avx" : "sse41";
            }
            else cpu = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        }
        catch (IOException) { }
        string? cap = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");
        return string.IsNullOrEmpty(cap) ? cpu : $"{cpu}, ONEDNN_MAX_CPU_ISA={cap}";
    }

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

    /// <summary>Runs git in the folder of the built library (the checkout that built it, never the caller's directory);
    /// null when git or the repository is missing. Informational only: the code identity is <see cref="CodeIdentity"/>.</summary>
    static string? Git(string arguments)
    {
        try
        {
            string folder = Path.GetDirectoryName(typeof(EnvironmentInfo).Assembly.Location) ?? ".";
            using var process = Process.Start(new ProcessStartInfo("git", $"-C \"{folder}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true });
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
