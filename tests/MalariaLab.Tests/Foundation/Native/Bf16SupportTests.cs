using MalariaLab.Foundation.Native;

namespace MalariaLab.Tests.Foundation.Native;

/// <summary>bfloat16 runs only where the CPU has it and oneDNN may use it; otherwise the reason names what is missing.</summary>
public class Bf16SupportTests
{
    static readonly HashSet<string> Avx2 = ["avx2", "fma"];
    static readonly HashSet<string> Avx512Bf16 = ["avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni"];
    static readonly HashSet<string> Amx = ["avx2", "avx512f", "amx_bf16", "amx_tile"];

    [Fact]
    public void Native_on_avx512_bf16_or_amx_without_a_lower_cap()
    {
        Assert.Equal((true, "bfloat16 on avx512_bf16"), Bf16Support.Check(Avx512Bf16, null));
        Assert.True(Bf16Support.Check(Amx, null).Native);
        Assert.True(Bf16Support.Check(Avx512Bf16, "avx512_core_bf16").Native);
        Assert.True(Bf16Support.Check(Amx, "AVX512_CORE_AMX").Native);
        Assert.True(Bf16Support.Check(Avx512Bf16, "ALL").Native);
    }

    [Fact]
    public void Refused_on_avx2_and_under_a_cap_below_bf16_saying_why()
    {
        var (native, reason) = Bf16Support.Check(Avx2, null);
        Assert.False(native);
        Assert.Contains("neither AVX-512-BF16 nor AMX-BF16", reason);
        (native, reason) = Bf16Support.Check(Avx512Bf16, "AVX2");
        Assert.False(native);
        Assert.Equal("ONEDNN_MAX_CPU_ISA=AVX2 keeps oneDNN below its bfloat16 kernels (this CPU has avx512_bf16)", reason);
        Assert.False(Bf16Support.Check(Avx512Bf16, "AVX512_CORE_VNNI").Native);
    }
}
