using MalariaLab.Modelling.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>TorchSharp layers as ONNX nodes, with their current (trained) parameters as initializers.</summary>
public static class OnnxLayers
{
    static float[] Values(Tensor t)
    {
        using var c = t.detach().contiguous();
        return c.data<float>().ToArray();
    }

    /// <summary>A 2-D convolution with <paramref name="pad"/> pixels of zero padding on each side, the given stride and
    /// groups (one per channel for a depthwise convolution; the network passes what it built the layer with); a layer
    /// without bias gets none.</summary>
    public static string Conv(OnnxGraph g, string name, string x, Conv2d conv, long pad, long stride = 1, long groups = 1)
    {
        var w = conv.weight!;
        string[] inputs = conv.bias is null
            ? [x, g.Initializer($"{name}.weight", Values(w), w.shape)]
            : [x, g.Initializer($"{name}.weight", Values(w), w.shape), g.Initializer($"{name}.bias", Values(conv.bias), conv.bias.shape)];
        return groups == 1
            ? g.Node("Conv", name, inputs, ("kernel_shape", new[] { w.shape[2], w.shape[3] }), ("pads", new[] { pad, pad, pad, pad }), ("strides", new[] { stride, stride }))
            : g.Node("Conv", name, inputs, ("kernel_shape", new[] { w.shape[2], w.shape[3] }), ("pads", new[] { pad, pad, pad, pad }), ("strides", new[] { stride, stride }), ("group", groups));
    }

    /// <summary>Global average pooling then flatten: NCHW → [N, C].</summary>
    public static string GlobalAveragePool(OnnxGraph g, string name, string x) =>
        g.Node("Flatten", name, [g.Node("GlobalAveragePool", $"{name}_pool", [x])], ("axis", 1L));

    public static string Add(OnnxGraph g, string name, string a, string b) => g.Node("Add", name, [a, b]);

    /// <summary>Eval-mode BatchNorm with the layer's running statistics and epsilon (ONNX BatchNormalization,
    /// training_mode 0: y = (x − mean) / √(var + ε) · γ + β, as LibTorch computes it).</summary>
    public static string BatchNorm(OnnxGraph g, string name, string x, HeldBatchNorm2d bn) =>
        g.Node("BatchNormalization", name,
            [x, g.Initializer($"{name}.weight", Values(bn.weight!), bn.weight!.shape), g.Initializer($"{name}.bias", Values(bn.bias!), bn.bias!.shape),
             g.Initializer($"{name}.running_mean", Values(bn.running_mean!), bn.running_mean!.shape), g.Initializer($"{name}.running_var", Values(bn.running_var!), bn.running_var!.shape)],
            ("epsilon", (float)bn.eps));

    /// <summary>A dense layer y = x Wᵀ + b on a [N, in] input.</summary>
    public static string Dense(OnnxGraph g, string name, string x, Linear linear) =>
        g.Node("Gemm", name, [x, g.Initializer($"{name}.weight", Values(linear.weight!), linear.weight!.shape), g.Initializer($"{name}.bias", Values(linear.bias!), linear.bias!.shape)],
            ("transB", 1L));

    public static string Relu(OnnxGraph g, string name, string x) => g.Node("Relu", name, [x]);

    public static string MaxPool2(OnnxGraph g, string name, string x) =>
        g.Node("MaxPool", name, [x], ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }));

    /// <summary>NCHW → [N, H·W·C]: Keras' flatten order (the layout of fc1's weights).</summary>
    public static string FlattenHwc(OnnxGraph g, string name, string x) =>
        g.Node("Flatten", name, [g.Node("Transpose", $"{name}_nhwc", [x], ("perm", new long[] { 0, 2, 3, 1 }))], ("axis", 1L));

    /// <summary>NCHW → [N, C·H·W]: PyTorch's flatten order.</summary>
    public static string FlattenChw(OnnxGraph g, string name, string x) => g.Node("Flatten", name, [x], ("axis", 1L));
}
