using MalariaLab.Foundation.Native;
using MalariaLab.Foundation.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>The reference notebook's network, in Keras order: 4 x [Conv 3x3 same → ReLU → BatchNorm →
/// MaxPool 2 → Dropout] with 16, 32, 64, 128 filters, Flatten → Dense → ReLU → Dropout → Dense 1 (a logit).
/// BatchNorm uses Keras' momentum 0.99 (PyTorch's 0.01) and epsilon 1e-3. Input: N x 3 x size x size.</summary>
public sealed class SeedCnn : LayeredNetwork, IFirstConvolution
{
    public static readonly ModelEntry Entry = new("seed-cnn", "the reference notebook's 4-block CNN (16/32/64/128 filters, BatchNorm, dense 128)",
        (m, size) => new SeedCnn(size, m.ConvDropout, m.DenseUnits, m.DenseDropout), [SpecKeys.Model.ConvDropout, SpecKeys.Model.DenseUnits, SpecKeys.Model.DenseDropout]);

    static readonly int[] Filters = [16, 32, 64, 128];

    // Field names are the layer names in saved weights and safetensors (conv1.weight, bn1.running_mean, ...).
    readonly Conv2d conv1, conv2, conv3, conv4;
    readonly HeldBatchNorm2d bn1, bn2, bn3, bn4;
    readonly MaxPool2d pool;
    readonly FastDropout conv_dropout, dense_dropout;
    readonly Linear fc1, fc2;

    public SeedCnn(int size, double convDropout, int denseUnits, double denseDropout) : base("seed-cnn")
    {
        if (size % 16 != 0) throw new Foundation.Common.MalariaLabException($"preprocess.size: seed-cnn needs a multiple of 16 (four 2x2 pools), got {size}");
        conv1 = nn.Conv2d(3, Filters[0], 3, padding: 1);
        conv2 = nn.Conv2d(Filters[0], Filters[1], 3, padding: 1);
        conv3 = nn.Conv2d(Filters[1], Filters[2], 3, padding: 1);
        conv4 = nn.Conv2d(Filters[2], Filters[3], 3, padding: 1);
        bn1 = new HeldBatchNorm2d(Filters[0], eps: 1e-3, momentum: 0.01);
        bn2 = new HeldBatchNorm2d(Filters[1], eps: 1e-3, momentum: 0.01);
        bn3 = new HeldBatchNorm2d(Filters[2], eps: 1e-3, momentum: 0.01);
        bn4 = new HeldBatchNorm2d(Filters[3], eps: 1e-3, momentum: 0.01);
        pool = nn.MaxPool2d(2);
        conv_dropout = new FastDropout(convDropout);
        dense_dropout = new FastDropout(denseDropout);
        int side = size / 16;
        fc1 = nn.Linear(Filters[3] * side * side, denseUnits);
        fc2 = nn.Linear(denseUnits, 1);
        RegisterComponents();

        // Keras initialisers: he_uniform on the first conv (as the notebook asks), glorot_uniform elsewhere, zero biases.
        KerasInit.HeUniform(conv1.weight!);
        foreach (var weight in new[] { conv2.weight!, conv3.weight!, conv4.weight!, fc1.weight!, fc2.weight! })
            KerasInit.GlorotUniform(weight);
        foreach (var bias in new[] { conv1.bias!, conv2.bias!, conv3.bias!, conv4.bias!, fc1.bias!, fc2.bias! })
            KerasInit.Zeros(bias);
    }

    /// <summary>Inference with each block's max-pool moved right after its conv: ReLU and an eval-mode BatchNorm
    /// (x · a + b per channel, a = γ / √(var + ε)) are non-decreasing when a > 0, and so is rounding to a narrower
    /// type, and a non-decreasing function commutes exactly with max. So the result is bit for bit the Keras order's,
    /// in float32 and in bfloat16 (Bf16Network), while ReLU and BatchNorm touch a quarter of the values (float32
    /// batch-256 inference 4,090–4,270 → 4,940–5,990 images/s, alternating runs, 2 cores). Keras order when some γ ≤ 0.
    /// Each pool and the ReLU after it run as one managed pass where that pays (<see cref="InferenceMaxPool"/>: the same
    /// bits, without LibTorch's argmax indices).</summary>
    public override IEnumerable<LayerStep> InferenceSteps()
    {
        // In training the order is not the same function: dropout runs, and BatchNorm takes its batch's statistics.
        if (training || !BatchNormScalesArePositive()) return Steps();
        return PoolFirstSteps();
    }

    IEnumerable<LayerStep> PoolFirstSteps()
    {
        var blocks = new[] { (conv1, bn1), (conv2, bn2), (conv3, bn3), (conv4, bn4) };
        for (int i = 0; i < blocks.Length; i++)
        {
            var (conv, bn) = blocks[i];
            string n = $"{i + 1}";
            yield return new($"conv{n}", "Conv2D 3x3 same", conv.forward, conv, null);
            yield return new($"pool{n}", "MaxPooling2D 2x2 + ReLU", x => InferenceMaxPool.Pool2(x, pool.forward, relu: true), null, null);
            yield return new($"bn{n}", "BatchNormalization", bn.forward, bn, null);
        }
        var head = Steps().SkipWhile(s => s.Name != "flatten").ToList();
        if (head.Count == 0) throw new InvalidOperationException("seed-cnn: no flatten step to end the pool-first order with");
        foreach (var step in head) yield return step;
    }

    /// <summary>γ > 0 in every BatchNorm (true after Keras' γ = 1 init and, in practice, after training).</summary>
    bool BatchNormScalesArePositive()
    {
        using var _ = no_grad();
        foreach (var bn in new[] { bn1, bn2, bn3, bn4 })
        {
            using var positive = bn.weight!.Positive().all();
            if (!positive.item<bool>()) return false;
        }
        return true;
    }

    /// <summary>The network, step by step, in Keras' layer order (forward in training, summary, FLOPs, ONNX and Bench
    /// all read these; inference runs <see cref="InferenceSteps"/>, which a test holds to the same bits).
    /// ONNX node and weight names are the layer names of the safetensors file; dropout is the identity at inference.</summary>
    public override IEnumerable<LayerStep> Steps()
    {
        var blocks = new[] { (conv1, bn1), (conv2, bn2), (conv3, bn3), (conv4, bn4) };
        for (int i = 0; i < blocks.Length; i++)
        {
            var (conv, bn) = blocks[i];
            string n = $"{i + 1}";
            yield return new($"conv{n}", "Conv2D 3x3 same + ReLU", x => conv.forward(x).relu_(), conv, // in place: conv backward does not need its output
                (g, x) => OnnxLayers.Relu(g, $"relu{n}", OnnxLayers.Conv(g, $"conv{n}", x, conv, pad: 1)));
            yield return new($"bn{n}", "BatchNormalization", bn.forward, bn, (g, x) => OnnxLayers.BatchNorm(g, $"bn{n}", x, bn));
            yield return new($"pool{n}", "MaxPooling2D 2x2", pool.forward, null, (g, x) => OnnxLayers.MaxPool2(g, $"pool{n}", x));
            yield return new($"dropout{n}", "Dropout", conv_dropout.forward, null, null);
        }
        // Keras flattens NHWC; flattening in that order keeps fc1's weights in Keras' layout.
        yield return new("flatten", "Flatten (HWC order)", x => x.permute(0, 2, 3, 1).flatten(1), null, (g, x) => OnnxLayers.FlattenHwc(g, "flatten", x));
        yield return new("fc1", "Dense + ReLU", x => fc1.forward(x).relu_(), fc1, (g, x) => OnnxLayers.Relu(g, "relu5", OnnxLayers.Dense(g, "fc1", x, fc1)));
        yield return new("dropout5", "Dropout", dense_dropout.forward, null, null);
        yield return new("fc2", "Dense (logit)", fc2.forward, fc2, (g, x) => OnnxLayers.Dense(g, "fc2", x, fc2));
    }

    /// <summary>The first conv layer (for filter and feature-map plots).</summary>
    public Conv2d FirstConv => conv1;
}
