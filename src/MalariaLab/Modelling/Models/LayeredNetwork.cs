using MalariaLab.Modelling.Export;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>A network written once, as its steps: <see cref="forward"/> is the fold over <see cref="Steps"/> in training
/// (over <see cref="InferenceSteps"/>, held bit-equal to them by tests, at inference), and the ONNX export, the summary,
/// the FLOP count and Bench's convolution timing read the same steps, so they cannot drift.</summary>
public abstract class LayeredNetwork(string name) : nn.Module<Tensor, Tensor>(name), ILayeredModel
{
    public abstract IEnumerable<LayerStep> Steps();

    /// <summary>The steps inference runs: the same function as <see cref="Steps"/>, bit for bit, in a cheaper order where
    /// a network has one (SeedCnn pools first). For running only: export, summaries and FLOPs read <see cref="Steps"/>.</summary>
    public virtual IEnumerable<LayerStep> InferenceSteps() => Steps();

    public override Tensor forward(Tensor x) =>
        training ? Fold(Steps(), ChannelsLast(x)) : FoldFreeing(InferenceSteps(), x, (_, h) => h);

    static Tensor Fold(IEnumerable<LayerStep> steps, Tensor x)
    {
        foreach (var step in steps) x = step.Apply(x);
        return x;
    }

    /// <summary>Inference over <paramref name="steps"/>, freeing each intermediate as soon as the next step has read it
    /// (no autograd holds them), so a large batch reuses warm memory instead of growing; <paramref name="before"/> may
    /// change each step's input (Bf16Network's casts). The caller's <paramref name="input"/> is never freed.</summary>
    public static Tensor FoldFreeing(IEnumerable<LayerStep> steps, Tensor input, Func<LayerStep, Tensor, Tensor> before)
    {
        var x = ChannelsLast(input);
        foreach (var step in steps)
        {
            x = Replace(x, before(step, x), input);
            x = Replace(x, step.Apply(x), input);
        }
        return x;
    }

    // Steps may return their input itself (dropout at inference, in-place ops); views keep their storage alive.
    static Tensor Replace(Tensor old, Tensor next, Tensor input)
    {
        if (!ReferenceEquals(old, next) && !ReferenceEquals(old, input)) old.Dispose();
        return next;
    }

    /// <summary>The eval-mode forward pass as ONNX nodes from the float NCHW input named <paramref name="input"/>;
    /// returns the name of the [N, 1] logit. Steps without ONNX nodes (dropout) are the identity at inference.</summary>
    public string ToOnnx(OnnxGraph graph, string input)
    {
        foreach (var step in Steps())
            if (step.Onnx is { } onnx) input = onnx(graph, input);
        return input;
    }

    /// <summary>Every image batch runs channels-last (NHWC memory, NCHW shape). LibTorch 2.10's oneDNN AVX-512 kernels
    /// compute a plain NCHW 3x3 convolution with 24 input channels wrongly (wide-gap-cnn's conv1: max error 40 on values
    /// of 157 against float64, on AVX-512 hosts only; AVX2 and channels-last agree with float64 to 1e-4), which made
    /// augmented batches — the only NCHW input — train to NaN. Channels-last is also the faster layout here. A no-op
    /// (no copy) for inputs that are channels-last already, as prepared batches are.</summary>
    public static Tensor ChannelsLast(Tensor x)
    {
        if (x.dim() != 4 || IsChannelsLast(x)) return x;
        // TorchSharp 0.107 has no memory_format argument: a contiguous NHWC copy, viewed back as NCHW.
        using var nhwc = x.permute(0, 2, 3, 1);
        return nhwc.contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>Dense NHWC memory under an NCHW shape (strides C·H·W, 1, W·C, C; sizes of 1 may have any stride).</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        if (x.dim() != 4) return false;
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        bool Fits(int dim, long size, long expected) => size == 1 || x.stride(dim) == expected;
        return Fits(1, c, 1) && Fits(3, w, c) && Fits(2, h, w * c) && Fits(0, n, h * w * c);
    }
}
