using System.Diagnostics;
using MalariaLab.Models;
using static TorchSharp.torch;

namespace MalariaLab.Bench;

/// <summary>What this CPU can do at all, to read the images/s against: the vector extensions it has (bf16 only
/// pays off with AVX512_BF16 or AMX), LibTorch's fp32 matrix-multiply rate at the bench's thread count, and the
/// model's forward FLOPs per image. Rate ÷ FLOPs bounds inference, rate ÷ (3 · FLOPs) training.</summary>
public static class ComputeCeiling
{
    /// <summary>The SIMD flags of interest from /proc/cpuinfo (Linux); empty elsewhere.</summary>
    public static string[] CpuFlags()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return [];
        var interesting = new[] { "avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_tile" };
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
        var flags = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        return interesting.Where(flags.Contains).ToArray();
    }

    /// <summary>fp32 GFLOP/s of a 1024 x 1024 matrix product (MKL/oneDNN's best case), median of the repeats.</summary>
    public static double MatmulGflops(int repeats)
    {
        using var scope = NewDisposeScope();
        var a = randn(1024, 1024);
        var b = randn(1024, 1024);
        for (int i = 0; i < 3; i++) a.mm(b).Dispose();
        var rates = Enumerable.Range(0, repeats).Select(_ =>
        {
            const int products = 40;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < products; i++) a.mm(b).Dispose();
            return 2.0 * 1024 * 1024 * 1024 * products / clock.Elapsed.TotalSeconds / 1e9;
        }).Order().ToArray();
        return rates[rates.Length / 2];
    }

    /// <summary>Multiply-adds x 2 of the model's convolutions and dense layers for one image of the given size.</summary>
    public static double ForwardFlopsPerImage(nn.Module<Tensor, Tensor> model, int size)
    {
        if (model is not ILayeredModel layered) return double.NaN;
        bool training = model.training;
        model.eval();
        double flops = 0;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var x = zeros(1, 3, size, size);
            foreach (var step in layered.Steps())
            {
                x = step.Apply(x);
                var weight = step.Layer?.named_parameters(recurse: false).FirstOrDefault(p => p.name == "weight").parameter;
                if (weight is not null && weight.dim() >= 2) flops += 2.0 * x.numel() * (weight.numel() / weight.shape[0]);
            }
        }
        model.train(training);
        return flops;
    }
}
