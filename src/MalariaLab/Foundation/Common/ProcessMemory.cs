namespace MalariaLab.Foundation.Common;

/// <summary>Peak resident set size of this process (Linux: VmHWM from /proc/self/status; elsewhere the
/// runtime's peak working set).</summary>
public static class ProcessMemory
{
    public static long PeakRssBytes()
    {
        if (File.Exists("/proc/self/status"))
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line[6..].Trim().Split(' ')[0], out long kib)) return kib * 1024;
        }
        return System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;
    }

    /// <summary>Restarts the peak count from the current RSS (Linux ≥ 4.0: "5" to /proc/self/clear_refs), so a
    /// later phase is measured alone. False where that is not possible.</summary>
    public static bool ResetPeak()
    {
        try
        {
            if (!File.Exists("/proc/self/clear_refs")) return false;
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
