namespace MalariaLab.Foundation.Native;

/// <summary>Whether this process computes bfloat16 natively: the CPU has AVX-512-BF16 or AMX-BF16 and
/// ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA) does not cap oneDNN below them. Elsewhere LibTorch emulates bf16 through
/// float32, slower than float32 itself, so bf16 modes refuse to run there and say why.</summary>
public static class Bf16Support
{
    public static (bool Native, string Reason) Check()
    {
        var flags = File.Exists("/proc/cpuinfo")
            ? (File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1] ?? "")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet()
            : [];
        return Check(flags, Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA"));
    }

    /// <summary>The decision for given /proc/cpuinfo flags and ISA cap.</summary>
    public static (bool Native, string Reason) Check(IReadOnlySet<string> flags, string? isaCap)
    {
        string[] bf16 = [.. new[] { "avx512_bf16", "amx_bf16" }.Where(flags.Contains)];
        if (bf16.Length == 0)
            return (false, "this CPU has neither AVX-512-BF16 nor AMX-BF16 (/proc/cpuinfo flags), so LibTorch would emulate bfloat16, slower than float32");
        if (!string.IsNullOrEmpty(isaCap) && !AllowsBf16(isaCap.ToUpperInvariant()))
            return (false, $"ONEDNN_MAX_CPU_ISA={isaCap} keeps oneDNN below its bfloat16 kernels (this CPU has {string.Join(", ", bf16)})");
        return (true, $"bfloat16 on {string.Join(", ", bf16)}");
    }

    // oneDNN's ISA names at or above AVX512_CORE_BF16 (AVX512_CORE_FP16, the AMX ones, AVX10) and ALL.
    static bool AllowsBf16(string cap) =>
        cap is "ALL" or "DEFAULT" || cap.Contains("BF16") || cap.Contains("FP16") || cap.Contains("AMX") || cap.Contains("AVX10");
}
