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
