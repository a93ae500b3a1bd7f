using MalariaLab.Foundation.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>A wider, deeper plain CNN: four stages of two 3x3 conv → BatchNorm → ReLU (24, 48, 96, 192 filters) with a
/// 2x2 max-pool between stages, then global average pooling (any input size from 32 up), dropout and one logit.
/// About 0.66 M parameters.</summary>
public sealed class WideGapCnn : LayeredNetwork, IFirstConvolution
{
    public static readonly ModelEntry Entry = new("wide-gap-cnn",
        "4 stages of 2 x (conv 3x3, BatchNorm, ReLU), 24/48/96/192 filters, global average pooling; about 0.66 M parameters",
        (m, size) => new WideGapCnn(size, m.DenseDropout), [SpecKeys.Model.DenseDropout]);

    static readonly int[] Filters = [24, 48, 96, 192];
    readonly ModuleList<Conv2d> convs = new();
    readonly ModuleList<HeldBatchNorm2d> norms = new();
    readonly Dropout dropout;
    readonly Linear head;

    public WideGapCnn(int size, double dropoutRate) : base("wide-gap-cnn")
    {
        if (size < 32) throw new Foundation.Common.MalariaLabException($"preprocess.size: wide-gap-cnn needs at least 32 pixels (three 2x2 pools), got {size}");
        int channels = 3;
        foreach (int filters in Filters)
            for (int j = 0; j < 2; j++)
            {
                convs.Add(nn.Conv2d(channels, filters, 3, padding: 1, bias: false));
                norms.Add(new HeldBatchNorm2d(filters));
                channels = filters;
            }
        dropout = nn.Dropout(dropoutRate);
        head = nn.Linear(channels, 1);
        RegisterComponents();
    }

    public Conv2d FirstConv => convs[0];

    /// <summary>A 2x2 max-pool comes before the first conv of every stage but the first (convs 2, 4 and 6).</summary>
    static bool PoolBefore(int conv) => conv > 0 && conv % 2 == 0;

    /// <summary>The network, step by step (forward, summary, FLOPs, ONNX and Bench all read these).</summary>
    public override IEnumerable<LayerStep> Steps()
    {
        for (int i = 0; i < convs.Count; i++)
        {
            string pool = $"pool{i}", convName = $"conv{i}", bnName = $"bn{i}", relu = $"relu{i}";
            if (PoolBefore(i)) yield return new(pool, "MaxPooling2D 2x2", x => nn.functional.max_pool2d(x, 2), null, (g, x) => OnnxLayers.MaxPool2(g, pool, x));
            var (conv, norm) = (convs[i], norms[i]);
            yield return new(convName, "Conv2D 3x3 same", conv.forward, conv, (g, x) => OnnxLayers.Conv(g, convName, x, conv, pad: 1));
            yield return new(bnName, "BatchNormalization + ReLU", x => nn.functional.relu(norm.forward(x)), norm,
                (g, x) => OnnxLayers.Relu(g, relu, OnnxLayers.BatchNorm(g, bnName, x, norm)));
        }
        yield return new("gap", "GlobalAveragePooling2D", x => nn.functional.adaptive_avg_pool2d(x, 1).flatten(1), null, (g, x) => OnnxLayers.GlobalAveragePool(g, "gap", x));
        yield return new("dropout", "Dropout", dropout.forward, null, null);
        yield return new("head", "Dense (logit)", head.forward, head, (g, x) => OnnxLayers.Dense(g, "head", x, head));
    }
}
