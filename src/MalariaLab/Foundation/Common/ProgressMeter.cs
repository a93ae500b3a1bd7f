using System.Diagnostics;

namespace MalariaLab.Foundation.Common;

/// <summary>Bytes done, rate and ETA: redrawn in place on a terminal, a plain line every few seconds otherwise.</summary>
/// <remarks><paramref name="alreadyDone"/>: a resumed download's bytes from before, left out of the rate.</remarks>
public sealed class ProgressMeter(ILog log, string label, long? total, TimeSpan? plainInterval = null, string? unit = null, long alreadyDone = 0)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly TimeSpan _plainInterval = plainInterval ?? TimeSpan.FromSeconds(5);
    TimeSpan _lastDraw = TimeSpan.Zero;

    readonly Lock _lock = new();

    /// <summary>Thread-safe: parallel stages report from many threads.</summary>
    public void Report(long done)
    {
        lock (_lock) Draw(done);
    }

    void Draw(long done)
    {
        var now = _clock.Elapsed;
        if (log.IsTerminal)
        {
            if (now - _lastDraw < TimeSpan.FromMilliseconds(100)) return;
            _lastDraw = now;
            double rate = Rate(done, now);
            string left = total is { } all && rate > 0 && done < all ? $", {ProgressReport.TimeLeft((all - done) / rate)} left" : "";
            log.Progress(new ProgressReport(label, done, total ?? 0, $"{Speed(rate)}{left}",
                total is { } t ? $"{Amount(done)} / {Amount(t)}" : Amount(done)));
        }
        else if (now - _lastDraw >= _plainInterval)
        {
            _lastDraw = now;
            log.Info(Describe(done, now));
        }
    }

    /// <summary>One closing line: what was done, in how long, at what rate (no rate for an instant copy).</summary>
    public void Finish(long done)
    {
        var elapsed = _clock.Elapsed;
        double rate = Rate(done, elapsed);
        string speed = elapsed.TotalSeconds < 0.05 || rate <= 0 ? "" : $" ({Speed(rate)})";
        log.Info($"{label}: {Amount(done)} in {elapsed.TotalSeconds:F1} s{speed}");
    }

    double Rate(long done, TimeSpan elapsed) => elapsed.TotalSeconds > 0 ? (done - alreadyDone) / elapsed.TotalSeconds : 0;

    string Speed(double rate) => unit is null ? $"{Bytes((long)rate)}/s" : $"{rate:F0} {unit}/s";

    string Describe(long done, TimeSpan elapsed)
    {
        double rate = Rate(done, elapsed);
        string size = total is { } t ? $"{Amount(done)} / {Amount(t)} ({100.0 * done / Math.Max(t, 1):F0}%)" : Amount(done);
        string eta = total is { } all && rate > 0 && done < all ? $", ETA {TimeSpan.FromSeconds((all - done) / rate):mm\\:ss}" : "";
        return $"{label}: {size}, {Speed(rate)}{eta}";
    }

    /// <summary>Byte sizes by default; plain counts when a unit (e.g. "images") is given.</summary>
    string Amount(long n) => unit is null ? Bytes(n) : Plural.Of(n, unit.TrimEnd('s'));

    public static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{n / 1024.0:F1} KiB",
        _ => $"{n} B",
    };
}
