namespace MalariaLab.Foundation.Common;

/// <summary>Where stages report progress; the CLI writes to the console, tests can capture.</summary>
public interface ILog
{
    void Info(string message);
    void Warn(string message);
    /// <summary>True when output is an interactive terminal (progress bars redraw in place).</summary>
    bool IsTerminal { get; }
    /// <summary>Redraws a one-line status in place (terminal only).</summary>
    void Status(string line);
    /// <summary>Where a long task stands (terminal only): a log that can draw bars draws one, others redraw its line.</summary>
    void Progress(ProgressReport report) => Status(report.Line());
}

/// <summary>One update of a long task: <paramref name="Task"/> names it ("epoch 3/30", "prepare"); a new name is a new
/// task. <paramref name="Total"/> 0: not known (no bar). <paramref name="Counts"/> shows done/total in other units
/// (bytes as KiB/MiB); <paramref name="Detail"/> is what follows (loss, rate, time left).</summary>
public sealed record ProgressReport(string Task, long Done, long Total, string Detail, string? Counts = null)
{
    public string CountsText => Counts ?? (Total > 0 ? $"{Done}/{Total}" : $"{Done}");

    /// <summary>The plain form: <c>epoch 3/30 [#####.........] 412/2310 loss 0.17, 555 img/s, 0:23 left</c>.</summary>
    public string Line(int width = 30)
    {
        if (Total <= 0) return $"{Task}: {CountsText} {Detail}";
        int filled = (int)(width * Math.Clamp((double)Done / Total, 0, 1));
        return $"{Task} [{new string('#', filled)}{new string('.', width - filled)}] {CountsText} {Detail}";
    }

    /// <summary>Seconds as the time left reads in a progress line: 0:23, 12:05, 1:02:03.</summary>
    public static string TimeLeft(double seconds)
    {
        var t = TimeSpan.FromSeconds(double.IsFinite(seconds) ? Math.Max(0, Math.Round(seconds)) : 0);
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{(int)t.TotalMinutes}:{t:ss}";
    }
}

/// <summary>Logs and progress go to stderr, so stdout carries only a command's result (a CSV, run folders, a table).</summary>
public sealed class ConsoleLog : ILog
{
    public bool IsTerminal { get; } = !Console.IsErrorRedirected;
    public void Info(string message) { ClearStatus(); Console.Error.WriteLine(message); }
    public void Warn(string message) { ClearStatus(); Console.Error.WriteLine("warning: " + message); }

    int _statusLength;
    public void Status(string line)
    {
        if (!IsTerminal) return;
        Console.Error.Write("\r" + line.PadRight(_statusLength));
        _statusLength = line.Length;
    }

    void ClearStatus()
    {
        if (_statusLength == 0) return;
        Console.Error.Write("\r" + new string(' ', _statusLength) + "\r");
        _statusLength = 0;
    }
}

public sealed class CapturingLog : ILog
{
    public List<string> Lines { get; } = [];
    public bool IsTerminal => false;
    public void Info(string message) { lock (Lines) Lines.Add(message); }
    public void Warn(string message) { lock (Lines) Lines.Add("warning: " + message); }
    public void Status(string line) { }
    public string Text { get { lock (Lines) return string.Join("\n", Lines); } }
}
