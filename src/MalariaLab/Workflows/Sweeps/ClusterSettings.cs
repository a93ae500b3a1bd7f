using System.Text.RegularExpressions;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>The resources each emitted task asks for. Cpus is both the scheduler's cpus-per-task and the LibTorch
/// thread count (train.threads), so a cluster run is bitwise reproducible by a local run at the same count.</summary>
public sealed partial record ClusterSettings
{
    public int Cpus { get; init; } = 2;
    /// <summary>At most this many array tasks at once (Slurm %N, Kubernetes parallelism); null: no limit.</summary>
    public int? Throttle { get; init; }
    /// <summary>Wall-clock limit per task in Slurm's --time syntax (minutes, MM:SS, HH:MM:SS, D-HH[:MM[:SS]]).</summary>
    public string? Time { get; init; }
    /// <summary>Memory per task in Slurm's --mem syntax: a number with an optional K, M, G or T suffix (default M).</summary>
    public string? Memory { get; init; }
    /// <summary>Also emit the gather job that runs when every array task succeeded.</summary>
    public bool Gather { get; init; }

    public void Validate()
    {
        if (Cpus < 1) throw new MalariaLabException($"--cpus={Cpus}: expected 1 or more (cpus per task, also the LibTorch thread count)");
        if (Throttle is < 1) throw new MalariaLabException($"--throttle={Throttle}: expected 1 or more tasks at once");
        if (Time is not null && !TimePattern().IsMatch(Time))
            throw new MalariaLabException($"--time={Time}: expected minutes, MM:SS, HH:MM:SS or D-HH[:MM[:SS]] (Slurm's --time formats)");
        if (Memory is not null && !MemoryPattern().IsMatch(Memory))
            throw new MalariaLabException($"--mem={Memory}: expected a number with an optional K, M, G or T suffix, e.g. 4G");
    }

    /// <summary>Seconds of <see cref="Time"/> (for Kubernetes' activeDeadlineSeconds).</summary>
    public long? TimeSeconds()
    {
        if (Time is null) return null;
        long days = 0;
        string rest = Time;
        int dash = rest.IndexOf('-');
        if (dash >= 0) { days = long.Parse(rest[..dash]); rest = rest[(dash + 1)..]; }
        var parts = rest.Split(':').Select(long.Parse).ToArray();
        long seconds = dash >= 0
            ? parts.Length switch { 1 => parts[0] * 3600, 2 => parts[0] * 3600 + parts[1] * 60, _ => parts[0] * 3600 + parts[1] * 60 + parts[2] }
            : parts.Length switch { 1 => parts[0] * 60, 2 => parts[0] * 60 + parts[1], _ => parts[0] * 3600 + parts[1] * 60 + parts[2] };
        return days * 86400 + seconds;
    }

    /// <summary><see cref="Memory"/> as a Kubernetes quantity (Slurm's units are binary: 4G = 4Gi).</summary>
    public string? KubernetesMemory() => Memory is null ? null
        : char.IsDigit(Memory[^1]) ? Memory + "Mi" : Memory[..^1] + char.ToUpperInvariant(Memory[^1]) + "i";

    // At most 7 digits per number (about 19 years of minutes): no overflow when the time is converted to seconds.
    [GeneratedRegex(@"^(\d{1,7}|\d{1,7}:\d{1,2}|\d{1,7}:\d{1,2}:\d{1,2}|\d{1,7}-\d{1,7}|\d{1,7}-\d{1,7}:\d{1,2}|\d{1,7}-\d{1,7}:\d{1,2}:\d{1,2})\z")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^[0-9]{1,12}[KMGTkmgt]?\z")]
    private static partial Regex MemoryPattern();
}
