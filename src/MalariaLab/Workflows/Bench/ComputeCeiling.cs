using System.Diagnostics;
using MalariaLab.Modelling.Models;
using static TorchSharp.torch;

namespace MalariaLab.Workflows.Bench;

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

    /// <summary>GFLOP/s of an n x n matrix product in the given type (MKL/oneDNN's best case), median of the
    /// repeats. fp32 at n = 1024 is the ceiling; bf16 shows whether a bf16 mode could pay off on this CPU.</summary>
    public static double MatmulGflops(int repeats, ScalarType type = ScalarType.Float32, int n = 1024, int products = 40)
    {
        using var scope = NewDisposeScope();
        var a = randn(n, n).to_type(type);
        var b = randn(n, n).to_type(type);
        a.mm(b).Dispose();
        var rates = Enumerable.Range(0, repeats).Select(_ =>
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < products; i++) a.mm(b).Dispose();
            return 2.0 * n * n * n * products / clock.Elapsed.TotalSeconds / 1e9;
        }).Order().ToArray();
        return rates[rates.Length / 2];
    }

    /// <summary>Multiply-adds x 2 of the model's convolutions and dense layers for one image of the given size.</summary>
    public static double ForwardFlopsPerImage(nn.Module<Tensor, Tensor> model, int size)
    {
        // Convolutions: 2 x output elements x (input channels / groups x kernel area) multiply-adds.
        double flops = LayerTrace.Convolutions(model, size).Sum(c => 2.0 * c.Output.Aggregate(1L, (a, b) => a * b) * (c.Conv.weight.numel() / c.Conv.weight.shape[0]));
        // Dense layers: 2 x outputs x inputs.
        foreach (var (step, _, output) in LayerTrace.Trace(model, size))
            if (step.Layer is TorchSharp.Modules.Linear dense) flops += 2.0 * output.Aggregate(1L, (a, b) => a * b) * dense.weight.shape[1];
        return flops;
    }

    /// <summary>Milliseconds the model's convolutions alone take in one training step of the given batch (forward
    /// plus backward for input and weights, on channels-last inputs of each conv's real shape), median of the
    /// repeats: what no amount of work outside LibTorch's conv kernels can remove from a step.</summary>
    public static double ConvolutionMillisecondsPerStep(nn.Module<Tensor, Tensor> model, int size, int batch, int repeats)
    {
        var convolutions = LayerTrace.Convolutions(model, size)
            .Select(t => (t.Conv, InputShape: (long[])[batch, .. t.Input]))
            .ToList();
        if (convolutions.Count == 0) return double.NaN;
        // Inputs are made once, outside the clock (random numbers are slow to draw).
        var inputs = convolutions.Select((c, i) =>
        {
            var input = rand(c.InputShape[0], c.InputShape[2], c.InputShape[3], c.InputShape[1]).permute(0, 3, 1, 2); // channels-last
            return i == 0 ? input : input.requires_grad_(); // the first conv needs no input gradient
        }).ToArray();
        double Once()
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < convolutions.Count; i++)
            {
                using var scope = NewDisposeScope();
                var output = convolutions[i].Conv.forward(inputs[i]);
                autograd.backward(output, ones_like(output));
            }
            double milliseconds = clock.Elapsed.TotalMilliseconds;
            foreach (var parameter in convolutions.SelectMany(c => c.Conv.parameters()).Concat(inputs.Skip(1))) parameter.grad = null;
            return milliseconds;
        }
        Once(); // warm-up (oneDNN builds its kernels on first use)
        var times = Enumerable.Range(0, repeats).Select(_ => Once()).Order().ToArray();
        foreach (var input in inputs) input.Dispose();
        return times[times.Length / 2];
    }

    /// <summary>Milliseconds the model's convolutions alone take in one inference batch (forward only, no gradients,
    /// channels-last inputs of each conv's real shape), median of the repeats.</summary>
    public static double ConvolutionForwardMilliseconds(nn.Module<Tensor, Tensor> model, int size, int batch, int repeats)
    {
        var convolutions = LayerTrace.Convolutions(model, size).ToList();
        if (convolutions.Count == 0) return double.NaN;
        using var _ = no_grad();
        var inputs = convolutions.Select(c => rand(batch, c.Input[1], c.Input[2], c.Input[0]).permute(0, 3, 1, 2)).ToArray(); // channels-last
        double Once()
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < convolutions.Count; i++) convolutions[i].Conv.forward(inputs[i]).Dispose();
            return clock.Elapsed.TotalMilliseconds;
        }
        Once(); // warm-up
        var times = Enumerable.Range(0, repeats).Select(_ => Once()).Order().ToArray();
        foreach (var input in inputs) input.Dispose();
        return times[times.Length / 2];
    }
}
