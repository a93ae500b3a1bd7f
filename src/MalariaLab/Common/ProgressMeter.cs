using System.Diagnostics;

namespace MalariaLab.Common;

/// <summary>Bytes done, rate and ETA: redrawn in place on a terminal, a plain line every few seconds otherwise.</summary>
public sealed class ProgressMeter(ILog log, string label, long? total, TimeSpan? plainInterval = null, string? unit = null)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly TimeSpan _plainInterval = plainInterval ?? TimeSpan.FromSeconds(5);
    TimeSpan _lastDraw = TimeSpan.Zero;
    long _start = -1;

    readonly Lock _lock = new();

    /// <summary>Thread-safe: parallel stages report from many threads.</summary>
    public void Report(long done)
    {
        lock (_lock) Draw(done);
    }

    void Draw(long done)
    {
        if (_start < 0) _start = done; // resumed downloads: the rate counts only this session's bytes
        var now = _clock.Elapsed;
        if (log.IsTerminal)
        {
            if (now - _lastDraw < TimeSpan.FromMilliseconds(100)) return;
            _lastDraw = now;
            log.Status(Describe(done, now));
        }
        else if (now - _lastDraw >= _plainInterval)
        {
            _lastDraw = now;
            log.Info(Describe(done, now));
        }
    }

    public void Finish(long done) => log.Info(Describe(done, _clock.Elapsed) + " done");

    string Describe(long done, TimeSpan elapsed)
    {
        double rate = elapsed.TotalSeconds > 0 ? (done - Math.Max(_start, 0)) / elapsed.TotalSeconds : 0;
        string size = total is { } t ? $"{Amount(done)} / {Amount(t)} ({100.0 * done / Math.Max(t, 1):F0}%)" : Amount(done);
        string eta = total is { } all && rate > 0 && done < all ? $", ETA {TimeSpan.FromSeconds((all - done) / rate):mm\\:ss}" : "";
        string speed = unit is null ? $"{Bytes((long)rate)}/s" : $"{rate:F0} {unit}/s";
        return $"{label}: {size}, {speed}{eta}";
    }

    /// <summary>Byte sizes by default; plain counts when a unit (e.g. "images") is given.</summary>
    string Amount(long n) => unit is null ? Bytes(n) : $"{n:N0}";

    public static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{n / 1024.0:F1} KiB",
        _ => $"{n} B",
    };
}
