namespace MalariaLab.Data.Download;

/// <summary>How long Download waits before it calls a connection dead, and how often it tries. The defaults suit the
/// 353 MB NIH zip on a slow link: there is no limit on the whole transfer, only on each silence.</summary>
public sealed record HttpSettings
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Longest wait for the response headers, and for each read of the body.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int Attempts { get; init; } = 3;
}
