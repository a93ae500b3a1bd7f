using MalariaLab.Foundation.Common;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MalariaLab.Cli;

/// <summary>The log on an interactive terminal: lines as <see cref="ConsoleLog"/> writes them, long tasks as
/// Spectre.Console progress bars kept below them (Keras' epoch bar: step/steps, loss, accuracy, images/s, time left).
/// Everything goes to stderr, so stdout stays the command's result.</summary>
public sealed class TerminalLog : ILog, IDisposable
{
    readonly IAnsiConsole _console;
    readonly Lock _lock = new();
    readonly ManualResetEventSlim _stop = new();
    Thread? _display;
    ProgressContext? _context;
    (string Name, ProgressTask Bar)? _current;
    // Spectre keeps only value types in a task's state: each bar's texts live here, read by the columns as they draw.
    readonly System.Collections.Concurrent.ConcurrentDictionary<int, (string Counts, string Detail)> _texts = new();

    (string Counts, string Detail) Text(ProgressTask task) => _texts.GetValueOrDefault(task.Id, ("", ""));

    public TerminalLog(IAnsiConsole? console = null) =>
        _console = console ?? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public bool IsTerminal => true;

    // Lines written through the same console while bars show are drawn above them (Spectre's render hook).
    public void Info(string message) { lock (_lock) _console.WriteLine(message); }
    public void Warn(string message) { lock (_lock) _console.Write(new Text("warning: " + message + "\n", new Style(Color.Yellow))); }

    /// <summary>A bare status line (no counts) has no bar: it is written as a line.</summary>
    public void Status(string line) => Info(line);

    public void Progress(ProgressReport report)
    {
        lock (_lock)
        {
            if (_disposed) return;
            var context = _context ?? Start();
            if (_current is not { } current || current.Name != report.Task)
            {
                _current?.Bar.StopTask();
                var bar = context.AddTask(Markup.Escape(report.Task), maxValue: Math.Max(report.Total, 1));
                if (report.Total <= 0) bar.IsIndeterminate = true;
                current = (report.Task, bar);
                _current = current;
            }
            _texts[current.Bar.Id] = (report.CountsText, report.Detail);
            current.Bar.Value = Math.Min(report.Done, current.Bar.MaxValue);
            if (report.Total > 0 && report.Done >= report.Total) { current.Bar.StopTask(); _current = null; }
        }
    }

    // Spectre draws progress inside a callback; it runs on its own thread for the life of the log, with finished bars hidden.
    ProgressContext Start()
    {
        using var ready = new ManualResetEventSlim();
        _display = new Thread(() => _console.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 30 },
                new TextColumn(task => Text(task).Counts), new TextColumn(task => Text(task).Detail))
            .Start(context => { _context = context; ready.Set(); _stop.Wait(); }))
        { IsBackground = true, Name = "progress display" };
        _display.Start();
        ready.Wait();
        return _context!;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _current?.Bar.StopTask();
        }
        _stop.Set();
        _display?.Join();
        _stop.Dispose();
    }

    bool _disposed;

    /// <summary>A column of text that the task's updates set.</summary>
    sealed class TextColumn(Func<ProgressTask, string> text) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => new Text(text(task));
    }
}
