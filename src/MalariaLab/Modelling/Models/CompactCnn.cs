using MalariaLab.Foundation.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>A network for a phone (the NIH images were collected for a smartphone screening app), in the MobileNet
/// manner: a stride-2 3x3 stem (16 filters), then three depthwise-separable blocks — a depthwise 3x3 convolution
/// (one filter per channel) and a pointwise 1x1 convolution, each with BatchNorm and ReLU — widening to 48, 96 and 192
/// channels with a 2x2 max-pool between blocks, then global average pooling, dropout and one logit. At 48 px: about
/// 27 k parameters and 4.4 MFLOP per image (the seed CNN: 18 MFLOP).</summary>
public sealed class CompactCnn : LayeredNetwork, IFirstConvolution
{
    public static readonly ModelEntry Entry = new("compact-cnn",
        "phone-sized: stride-2 stem + 3 depthwise-separable blocks (16→48→96→192), global average pooling; about 27 k parameters, 4.4 MFLOP at 48 px",
        (m, size) => new CompactCnn(size, m.DenseDropout), [SpecKeys.Model.DenseDropout]);

    const int Stem = 16;
    static readonly int[] Widths = [48, 96, 192];
    readonly Conv2d stem;
    readonly HeldBatchNorm2d stemNorm;
    readonly ModuleList<Conv2d> depthwise = new(), pointwise = new();
    readonly ModuleList<HeldBatchNorm2d> depthwiseNorms = new(), pointwiseNorms = new();
    readonly Dropout dropout;
    readonly Linear head;

    public CompactCnn(int size, double dropoutRate) : base("compact-cnn")
    {
        if (size < 16) throw new Foundation.Common.MalariaLabException($"preprocess.size: compact-cnn needs at least 16 pixels (a stride-2 stem and two 2x2 pools), got {size}");
        stem = nn.Conv2d(3, Stem, 3, stride: 2, padding: 1, bias: false);
        stemNorm = new HeldBatchNorm2d(Stem);
        int channels = Stem;
        foreach (int width in Widths)
        {
            depthwise.Add(nn.Conv2d(channels, channels, 3, padding: 1, groups: channels, bias: false));
            depthwiseNorms.Add(new HeldBatchNorm2d(channels));
            pointwise.Add(nn.Conv2d(channels, width, 1, bias: false));
            pointwiseNorms.Add(new HeldBatchNorm2d(width));
            channels = width;
        }
        dropout = nn.Dropout(dropoutRate);
        head = nn.Linear(channels, 1);
        RegisterComponents();
    }

    public Conv2d FirstConv => stem;

    static LayerStep NormRelu(string name, HeldBatchNorm2d norm) =>
        new(name, "BatchNormalization + ReLU", x => nn.functional.relu(norm.forward(x)), norm,
            (g, x) => OnnxLayers.Relu(g, $"{name}_relu", OnnxLayers.BatchNorm(g, name, x, norm)));

    /// <summary>The network, step by step (forward, summary, FLOPs, ONNX and Bench all read these).</summary>
    public override IEnumerable<LayerStep> Steps()
    {
        yield return new("stem", "Conv2D 3x3 stride 2 same", stem.forward, stem, (g, x) => OnnxLayers.Conv(g, "stem", x, stem, pad: 1, stride: 2));
        yield return NormRelu("stem_bn", stemNorm);
        for (int i = 0; i < Widths.Length; i++)
        {
            string pool = $"pool{i}", dw = $"dw{i}", pw = $"pw{i}";
            if (i > 0) yield return new(pool, "MaxPooling2D 2x2", x => nn.functional.max_pool2d(x, 2), null, (g, x) => OnnxLayers.MaxPool2(g, pool, x));
            var (d, p) = (depthwise[i], pointwise[i]);
            yield return new(dw, "DepthwiseConv2D 3x3 same", d.forward, d, (g, x) => OnnxLayers.Conv(g, dw, x, d, pad: 1, groups: d.weight!.shape[0]));
            yield return NormRelu($"{dw}_bn", depthwiseNorms[i]);
            yield return new(pw, "Conv2D 1x1 (pointwise)", p.forward, p, (g, x) => OnnxLayers.Conv(g, pw, x, p, pad: 0));
            yield return NormRelu($"{pw}_bn", pointwiseNorms[i]);
        }
        yield return new("gap", "GlobalAveragePooling2D", x => nn.functional.adaptive_avg_pool2d(x, 1).flatten(1), null, (g, x) => OnnxLayers.GlobalAveragePool(g, "gap", x));
        yield return new("dropout", "Dropout", dropout.forward, null, null);
        yield return new("head", "Dense (logit)", head.forward, head, (g, x) => OnnxLayers.Dense(g, "head", x, head));
    }
}
