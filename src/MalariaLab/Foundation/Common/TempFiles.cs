using System.Text.RegularExpressions;

namespace MalariaLab.Foundation.Common;

/// <summary>Temp names of atomic writes and extractions (".name.host.pid.guid.tmp"), and the clean-up of ones a killed
/// process left behind: removed when their process is gone from this host, or after a day when another host (a
/// cluster node sharing the artifacts folder) wrote them.</summary>
public static partial class TempFiles
{
    static readonly string Host = Sanitise(Environment.MachineName);

    public static string NameFor(string fileName) => $".{fileName}.{Host}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";

    /// <summary>Whether a file or folder name is one <see cref="NameFor"/> made.</summary>
    public static bool IsTempName(string name) => name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal);

    /// <summary>Removes leftovers under <paramref name="root"/> (the data/ folders' contents are not walked: they are
    /// complete extractions). Returns how many were removed.</summary>
    public static int CleanOrphans(string root, ILog log)
    {
        if (!Directory.Exists(root)) return 0;
        int removed = 0;
        var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        var candidates = Directory.EnumerateFileSystemEntries(root, ".*.tmp", walk)
            .Where(p => !Path.GetRelativePath(root, p).Replace('\\', '/').StartsWith("data/", StringComparison.Ordinal) || Path.GetDirectoryName(p) == Path.Combine(root, "data"));
        foreach (var path in candidates.ToList())
        {
            if (!IsOrphan(path)) continue;
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* in use or not ours: leave it */ }
        }
        if (removed > 0) log.Info($"removed {removed} temp file{(removed == 1 ? "" : "s")} left by killed runs under {root}");
        return removed;
    }

    static bool IsOrphan(string path)
    {
        var match = TempName().Match(Path.GetFileName(path));
        if (!match.Success) return false;
        var age = DateTime.UtcNow - (Directory.Exists(path) ? Directory.GetLastWriteTimeUtc(path) : File.GetLastWriteTimeUtc(path));
        if (match.Groups["host"].Value != Host) return age > TimeSpan.FromDays(1);
        return int.TryParse(match.Groups["pid"].Value, out int pid) && !IsRunning(pid) && age > TimeSpan.FromSeconds(2);
    }

    static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A message with every temp name written as the file it stands for ("/runs/x/.report.md.host.12.ab…tmp" →
    /// "/runs/x/report.md"): the OS names the temp file it failed on, the user knows the file they asked for.</summary>
    public static string Unmask(string message) => TempNameInText().Replace(message, m => m.Groups["name"].Value);

    static string Sanitise(string host) => string.Concat(host.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_'));

    [GeneratedRegex(@"^\..+\.(?<host>[A-Za-z0-9_-]+)\.(?<pid>\d+)\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TempName();

    [GeneratedRegex(@"(?<=^|[/\\'""\s(])\.(?<name>[^/\\'""\s]+?)\.[A-Za-z0-9_-]+\.\d+\.[0-9a-f]{32}\.tmp")]
    private static partial Regex TempNameInText();
}
