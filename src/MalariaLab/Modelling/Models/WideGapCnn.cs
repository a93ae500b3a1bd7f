using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>A wider, deeper plain CNN: four stages of two 3x3 conv → BatchNorm → ReLU (24, 48, 96, 192 filters) with a
/// 2x2 max-pool between stages, then global average pooling (any input size from 32 up), dropout and one logit.
/// About 0.66 M parameters.</summary>
public sealed class WideGapCnn : nn.Module<Tensor, Tensor>, IFirstConvolution, ILayeredModel
{
    public static readonly ModelEntry Entry = new("wide-gap-cnn",
        "4 stages of 2 x (conv 3x3, BatchNorm, ReLU), 24/48/96/192 filters, global average pooling; about 0.66 M parameters",
        (m, size) => new WideGapCnn(size, m.DenseDropout), (model, graph, input) => ((WideGapCnn)model).ToOnnx(graph, input));

    static readonly int[] Filters = [24, 48, 96, 192];
    readonly ModuleList<Conv2d> convs = new();
    readonly ModuleList<BatchNorm2d> norms = new();
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
                norms.Add(nn.BatchNorm2d(filters));
                channels = filters;
            }
        dropout = nn.Dropout(dropoutRate);
        head = nn.Linear(channels, 1);
        RegisterComponents();
    }

    public Conv2d FirstConv => convs[0];

    /// <summary>A 2x2 max-pool comes before the first conv of every stage but the first (convs 2, 4 and 6).</summary>
    static bool PoolBefore(int conv) => conv > 0 && conv % 2 == 0;

    public override Tensor forward(Tensor x)
    {
        for (int i = 0; i < convs.Count; i++)
        {
            if (PoolBefore(i)) x = nn.functional.max_pool2d(x, 2);
            x = nn.functional.relu(norms[i].forward(convs[i].forward(x)));
        }
        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return head.forward(dropout.forward(x));
    }

    /// <summary>The forward pass as named steps (summary, FLOPs, Bench's convolution timing); the same computation.</summary>
    public IEnumerable<LayerStep> Steps()
    {
        for (int i = 0; i < convs.Count; i++)
        {
            if (PoolBefore(i)) yield return new($"pool{i}", "MaxPooling2D 2x2", x => nn.functional.max_pool2d(x, 2), null);
            var (conv, norm) = (convs[i], norms[i]);
            yield return new($"conv{i}", "Conv2D 3x3 same", conv.forward, conv);
            yield return new($"bn{i}", "BatchNormalization + ReLU", x => nn.functional.relu(norm.forward(x)), norm);
        }
        yield return new("gap", "GlobalAveragePooling2D", x => nn.functional.adaptive_avg_pool2d(x, 1).flatten(1), null);
        yield return new("dropout", "Dropout", dropout.forward, null);
        yield return new("head", "Dense (logit)", head.forward, head);
    }

    public string ToOnnx(Modelling.Export.OnnxGraph g, string x)
    {
        for (int i = 0; i < convs.Count; i++)
        {
            if (PoolBefore(i)) x = OnnxLayers.MaxPool2(g, $"pool{i}", x);
            x = OnnxLayers.Relu(g, $"relu{i}", OnnxLayers.BatchNorm(g, $"bn{i}", OnnxLayers.Conv(g, $"conv{i}", x, convs[i], pad: 1), norms[i]));
        }
        return OnnxLayers.Dense(g, "head", OnnxLayers.GlobalAveragePool(g, "gap", x), head);
    }
}
