namespace MalariaLab.Tests.Support;

// xunit 2 decides skips when it discovers a test: these facts carry their condition, so a test that cannot run here is
// reported as skipped with its reason, never as a pass that ran nothing.

/// <summary>A test that needs a POSIX shell, signals or symbolic links without privileges.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute() { if (OperatingSystem.IsWindows()) Skip = "needs POSIX (bash, signals, symbolic links without privileges)"; }
}

/// <summary>A test of Linux-only behaviour (ELF files, /proc, tmpfs).</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute() { if (!OperatingSystem.IsLinux()) Skip = "Linux only"; }
}

/// <summary>A test that mounts a file system: Linux as root.</summary>
public sealed class LinuxRootFactAttribute : FactAttribute
{
    public LinuxRootFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Linux only";
        else if (Environment.UserName != "root") Skip = "needs root (mounts a small tmpfs)";
    }
}

/// <summary>A test that reads a file which only some machines have (a NuGet cache entry).</summary>
public sealed class FactWhenFileExistsAttribute : FactAttribute
{
    public FactWhenFileExistsAttribute(string environmentVariable, string fallbackUnderHome)
    {
        string path = Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } root
            ? Path.Combine(root, fallbackUnderHome.Split('/', 3)[2])
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), fallbackUnderHome);
        if (!File.Exists(path)) Skip = $"{path} is not on this machine";
    }
}

/// <summary>A theory that needs POSIX (signals).</summary>
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute() { if (OperatingSystem.IsWindows()) Skip = "needs POSIX (bash, signals)"; }
}

/// <summary>A test that needs a python3 importing <c>modules</c> (an oracle or the interop kit); skipped, naming the
/// Debian packages, where there is none.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute(string modules, string packages)
    {
        if (PythonWith(modules) is null) Skip = $"no python3 that imports {modules} (apt-get install {packages})";
    }

    /// <summary>The first python3 that imports <paramref name="modules"/> (comma-separated), or null.</summary>
    public static string? PythonWith(string modules) =>
        new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(p => Imports(p, modules));

    static bool Imports(string python, string modules)
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("import " + modules);
            using var process = System.Diagnostics.Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}

/// <summary>A test of bfloat16 inference: needs a CPU that computes bf16 natively (and no ONEDNN_MAX_CPU_ISA below it).</summary>
public sealed class Bf16FactAttribute : FactAttribute
{
    public Bf16FactAttribute() { if (MalariaLab.Foundation.Native.Bf16Support.Check() is (false, var why)) Skip = why; }
}

/// <summary>A theory of bfloat16 inference, skipped as <see cref="Bf16FactAttribute"/> is.</summary>
public sealed class Bf16TheoryAttribute : TheoryAttribute
{
    public Bf16TheoryAttribute() { if (MalariaLab.Foundation.Native.Bf16Support.Check() is (false, var why)) Skip = why; }
}
