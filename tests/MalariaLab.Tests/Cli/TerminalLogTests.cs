using MalariaLab.Cli;
using MalariaLab.Foundation.Common;
using Spectre.Console;

namespace MalariaLab.Tests.Cli;

public class TerminalLogTests
{
    static (TerminalLog Log, StringWriter Output) Terminal()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes, Interactive = InteractionSupport.Yes, ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160;
        return (new TerminalLog(console), output);
    }

    [Fact]
    public void An_epoch_is_drawn_as_a_bar_with_its_counts_and_detail_and_lines_still_reach_the_terminal()
    {
        var (log, output) = Terminal();
        log.Info("train: 2310 images");
        log.Progress(new ProgressReport("epoch 1/2", 400, 2310, "loss 0.6931 acc 0.5000 555 img/s, 0:03 left"));
        Thread.Sleep(300); // Spectre redraws on its own thread, every 100 ms
        log.Progress(new ProgressReport("epoch 1/2", 2310, 2310, "loss 0.4000 acc 0.8000 560 img/s, 0:00 left"));
        log.Info("epoch 1/2: loss 0.4000 acc 0.8000");
        log.Warn("a warning");
        log.Dispose();
        string text = output.ToString();
        Assert.Contains("train: 2310 images", text);
        Assert.Contains("epoch 1/2", text);
        Assert.Contains("400/2310", text);
        Assert.Contains("loss 0.6931 acc 0.5000 555 img/s, 0:03 left", text);
        Assert.Contains("━", text); // Spectre's bar
        Assert.Contains("epoch 1/2: loss 0.4000 acc 0.8000", text);
        Assert.Contains("warning: a warning", text);
    }

    [Fact]
    public void Reports_after_the_end_are_ignored_and_disposing_twice_is_harmless()
    {
        var (log, _) = Terminal();
        log.Dispose();
        log.Progress(new ProgressReport("prepare", 1, 10, ""));
        log.Dispose();
    }

    [Theory]
    [InlineData(23.4, "0:23")]
    [InlineData(725, "12:05")]
    [InlineData(3723, "1:02:03")]
    [InlineData(double.NaN, "0:00")]
    public void Time_left_reads_as_minutes_and_seconds(double seconds, string expected) =>
        Assert.Equal(expected, ProgressReport.TimeLeft(seconds));

    [Fact]
    public void The_plain_line_has_a_bar_for_a_known_total_and_counts_alone_otherwise()
    {
        Assert.Equal("epoch 3/30 [###############...............] 5/10 loss 0.1", new ProgressReport("epoch 3/30", 5, 10, "loss 0.1").Line());
        Assert.Equal("download x.zip: 1.0 MiB 2.0 MiB/s", new ProgressReport("download x.zip", 1 << 20, 0, "2.0 MiB/s", "1.0 MiB").Line());
    }
}
