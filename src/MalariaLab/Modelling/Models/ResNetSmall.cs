using MalariaLab.Foundation.Native;
using MalariaLab.Foundation.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>A small pre-activation residual network (He et al. 2016, "Identity mappings"): a 3x3 stem, three stages of
/// two blocks (BatchNorm → ReLU → conv 3x3, twice, plus the identity or a 1x1 projection when the stage halves the
/// size) with 32, 64, 128 filters, then BatchNorm → ReLU → global average pooling → one logit. About 0.7 M parameters.</summary>
public sealed class ResNetSmall : LayeredNetwork, IFirstConvolution
{
    public static readonly ModelEntry Entry = new("resnet-small",
        "pre-activation ResNet, 3 stages x 2 blocks, 32/64/128 filters, global average pooling; about 0.7 M parameters",
        (m, size) => new ResNetSmall(size, m.DenseDropout), [SpecKeys.Model.DenseDropout]);

    readonly Conv2d stem;
    readonly ModuleList<PreActBlock> blocks = new();
    readonly HeldBatchNorm2d bn;
    readonly Dropout dropout;
    readonly Linear head;

    public ResNetSmall(int size, double dropoutRate) : base("resnet-small")
    {
        if (size < 16) throw new Foundation.Common.MalariaLabException($"preprocess.size: resnet-small needs at least 16 pixels, got {size}");
        stem = nn.Conv2d(3, 32, 3, padding: 1, bias: false);
        int channels = 32;
        foreach (var (filters, stride) in new[] { (32, 1), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1) })
        {
            blocks.Add(new PreActBlock(channels, filters, stride));
            channels = filters;
        }
        bn = new HeldBatchNorm2d(channels);
        dropout = nn.Dropout(dropoutRate);
        head = nn.Linear(channels, 1);
        RegisterComponents();
    }

    public Conv2d FirstConv => stem;

    /// <summary>The network, step by step, a residual block being one step (forward, summary, FLOPs, ONNX and Bench
    /// all read these).</summary>
    public override IEnumerable<LayerStep> Steps()
    {
        yield return new("stem", "Conv2D 3x3 same", stem.forward, stem, (g, x) => OnnxLayers.Conv(g, "stem", x, stem, pad: 1));
        for (int i = 0; i < blocks.Count; i++)
        {
            var (block, name) = (blocks[i], $"block{i}");
            yield return new(name, block.Kind, block.forward, block, (g, x) => block.ToOnnx(g, name, x));
        }
        yield return new("bn", "BatchNormalization + ReLU", x => nn.functional.relu(bn.forward(x)), bn, (g, x) => OnnxLayers.Relu(g, "relu", OnnxLayers.BatchNorm(g, "bn", x, bn)));
        yield return new("gap", "GlobalAveragePooling2D", x => nn.functional.adaptive_avg_pool2d(x, 1).flatten(1), null, (g, x) => OnnxLayers.GlobalAveragePool(g, "gap", x));
        yield return new("dropout", "Dropout", dropout.forward, null, null);
        yield return new("head", "Dense (logit)", head.forward, head, (g, x) => OnnxLayers.Dense(g, "head", x, head));
    }

    /// <summary>BN → ReLU → conv, twice, added to the input (projected by a 1x1 conv when the shape changes).</summary>
    sealed class PreActBlock : nn.Module<Tensor, Tensor>
    {
        readonly HeldBatchNorm2d bn1, bn2;
        readonly Conv2d conv1, conv2;
        readonly Conv2d? shortcut;
        readonly int stride;

        public string Kind => $"pre-activation block{(stride > 1 ? $", stride {stride}" : "")}{(shortcut is null ? "" : ", 1x1 projection")}";

        public PreActBlock(int inChannels, int outChannels, int stride) : base("preact")
        {
            this.stride = stride;
            bn1 = new HeldBatchNorm2d(inChannels);
            conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
            bn2 = new HeldBatchNorm2d(outChannels);
            conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
            if (stride != 1 || inChannels != outChannels) shortcut = nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var pre = nn.functional.relu(bn1.forward(x));
            var skip = shortcut is null ? x : shortcut.forward(pre);
            var y = conv1.forward(pre);
            y = conv2.forward(nn.functional.relu(bn2.forward(y)));
            return y.Plus(skip);
        }

        public string ToOnnx(Modelling.Export.OnnxGraph g, string name, string x)
        {
            var pre = OnnxLayers.Relu(g, $"{name}.relu1", OnnxLayers.BatchNorm(g, $"{name}.bn1", x, bn1));
            var skip = shortcut is null ? x : OnnxLayers.Conv(g, $"{name}.shortcut", pre, shortcut, pad: 0, stride: stride);
            var y = OnnxLayers.Conv(g, $"{name}.conv1", pre, conv1, pad: 1, stride: stride);
            y = OnnxLayers.Conv(g, $"{name}.conv2", OnnxLayers.Relu(g, $"{name}.relu2", OnnxLayers.BatchNorm(g, $"{name}.bn2", y, bn2)), conv2, pad: 1);
            return OnnxLayers.Add(g, $"{name}.add", y, skip);
        }
    }
}
