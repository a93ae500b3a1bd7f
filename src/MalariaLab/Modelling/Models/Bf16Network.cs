using TorchSharp;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>A network run for inference with its convolutional trunk in bfloat16 and its dense head in float32: the
/// convolutions (and the batch norms, pools and blocks between them) take bf16 weights and activations, and the
/// activations go back to float32 before the first dense layer, so the logit is not rounded to bf16's 8-bit mantissa.
/// The first convolution keeps float32 weights and pixels: that cut the largest probability change of the tests'
/// sample network from 0.077 to 0.018 (docs/performance.md). Predict and Bench (through Evaluator.Run) use it
/// like the float32 network, over the network's inference steps (SeedCnn pools first, in bf16 too). Converts the
/// layers of the network it is given: pass one made for the purpose. Only where <see cref="Foundation.Native.Bf16Support"/> says the CPU computes bfloat16 natively.</summary>
public sealed class Bf16Network : nn.Module<Tensor, Tensor>
{
    readonly LayeredNetwork network;

    public Bf16Network(LayeredNetwork network) : base("bf16")
    {
        this.network = network;
        RegisterComponents();
        first = network.Steps().First(s => s.Layer is not null).Layer;
        foreach (var step in network.Steps())
            if (InBf16(step)) step.Layer!.to(ScalarType.BFloat16);
    }

    readonly nn.Module? first;

    bool InBf16(LayerStep step) => step.Layer is not null && step.Layer != first && step.Layer is not TorchSharp.Modules.Linear;

    public override Tensor forward(Tensor x) => Run(network.InferenceSteps(), x);

    /// <summary>The given steps of the network (its inference steps, or its Keras-order steps in the tests) with the
    /// casts: layers without weights (pooling, ReLU, flatten, dropout) run in the type they are given.</summary>
    public Tensor Run(IEnumerable<LayerStep> steps, Tensor x)
    {
        var y = LayeredNetwork.FoldFreeing(steps, x, (step, h) =>
        {
            var type = step.Layer is null ? h.dtype : InBf16(step) ? ScalarType.BFloat16 : ScalarType.Float32;
            return h.dtype == type ? h : h.to(type);
        });
        if (y.dtype == ScalarType.Float32) return y;
        if (ReferenceEquals(y, x)) return y.to(ScalarType.Float32); // the caller's own tensor: not ours to free
        using (y) return y.to(ScalarType.Float32);
    }
}
