using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MalariaLab.Models;

/// <summary>A wider, deeper plain CNN: four stages of two 3x3 conv → BatchNorm → ReLU (24, 48, 96, 192 filters) with a
/// 2x2 max-pool between stages, then global average pooling (any input size from 32 up), dropout and one logit.
/// About 0.66 M parameters.</summary>
public sealed class WideGapCnn : nn.Module<Tensor, Tensor>, IFirstConvolution
{
    public static readonly ModelEntry Entry = new("wide-gap-cnn",
        "4 stages of 2 x (conv 3x3, BatchNorm, ReLU), 24/48/96/192 filters, global average pooling; about 0.66 M parameters",
        (m, size) => new WideGapCnn(size, m.DenseDropout));

    static readonly int[] Filters = [24, 48, 96, 192];
    readonly ModuleList<nn.Module<Tensor, Tensor>> stages = new();
    readonly Conv2d stem;
    readonly Dropout dropout;
    readonly Linear head;

    public WideGapCnn(int size, double dropoutRate) : base("wide-gap-cnn")
    {
        if (size < 32) throw new Common.MalariaLabException($"preprocess.size: wide-gap-cnn needs at least 32 pixels (three 2x2 pools), got {size}");
        stem = nn.Conv2d(3, Filters[0], 3, padding: 1, bias: false);
        int channels = Filters[0];
        for (int i = 0; i < Filters.Length; i++)
        {
            var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
            if (i > 0) layers.Add(("pool", nn.MaxPool2d(2)));
            layers.Add(("conv_a", i == 0 ? nn.Identity() : nn.Conv2d(channels, Filters[i], 3, padding: 1, bias: false)));
            layers.Add(("bn_a", nn.BatchNorm2d(Filters[i])));
            layers.Add(("relu_a", nn.ReLU()));
            layers.Add(("conv_b", nn.Conv2d(Filters[i], Filters[i], 3, padding: 1, bias: false)));
            layers.Add(("bn_b", nn.BatchNorm2d(Filters[i])));
            layers.Add(("relu_b", nn.ReLU()));
            stages.Add(nn.Sequential(layers));
            channels = Filters[i];
        }
        dropout = nn.Dropout(dropoutRate);
        head = nn.Linear(channels, 1);
        RegisterComponents();
    }

    public Conv2d FirstConv => stem;

    public override Tensor forward(Tensor x)
    {
        x = stem.forward(x);
        foreach (var stage in stages) x = stage.forward(x);
        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return head.forward(dropout.forward(x));
    }
}
