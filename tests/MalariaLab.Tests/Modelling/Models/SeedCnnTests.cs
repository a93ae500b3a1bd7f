using MalariaLab.Tests.Support;
using MalariaLab.Modelling.Models;
using MalariaLab.Foundation.Specs;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Models;

[Collection(LibTorchCollection.Name)]
public class SeedCnnTests
{
    static SeedCnn Build(long seed = 1)
    {
        manual_seed(seed);
        return new SeedCnn(48, 0.2, 128, 0.3);
    }

    [Fact]
    public void Parameter_count_matches_keras()
    {
        using var model = Build();
        var counts = ModelSummary.Count(model);
        Assert.Equal((245_633L, 480L, 246_113L), (counts.Trainable, counts.NonTrainable, counts.Total));
    }

    [Fact]
    public void Output_is_one_logit_per_image()
    {
        using var model = Build();
        model.eval();
        using var x = rand(5, 3, 48, 48);
        using var y = model.forward(x);
        Assert.Equal(new long[] { 5, 1 }, y.shape);
    }

    [Fact]
    public void Summary_lists_keras_shapes_and_totals()
    {
        using var model = Build();
        string summary = ModelSummary.Describe(model, 48);
        Assert.Contains("conv1 (Conv2D 3x3 same + ReLU)              (None, 48, 48, 16)           448", summary);
        Assert.Contains("flatten (Flatten (HWC order))               (None, 1152)                   0", summary);
        Assert.Contains("Total params: 246,113", summary);
        Assert.Contains("Non-trainable params: 480", summary);
    }

    [Fact]
    public void Initialisation_follows_keras()
    {
        using var model = Build(seed: 123);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        // he_uniform on conv1: limit sqrt(6 / (3*3*3)); uniform variance = limit^2 / 3.
        AssertUniform(p["conv1.weight"], Math.Sqrt(6.0 / 27));
        // glorot_uniform: limit sqrt(6 / (fan_in + fan_out)).
        AssertUniform(p["conv4.weight"], Math.Sqrt(6.0 / (64 * 9 + 128 * 9)));
        AssertUniform(p["fc1.weight"], Math.Sqrt(6.0 / (1152 + 128)));
        foreach (var bias in new[] { "conv1.bias", "conv2.bias", "conv3.bias", "conv4.bias", "fc1.bias", "fc2.bias" })
            Assert.Equal(0f, p[bias].abs().max().item<float>());
        Assert.Equal(1f, p["bn2.weight"].mean().item<float>());
    }

    static void AssertUniform(Tensor w, double limit)
    {
        double max = w.abs().max().item<float>();
        double std = w.std().item<float>();
        Assert.InRange(max, limit * 0.95, limit);
        Assert.InRange(std, limit / Math.Sqrt(3) * 0.95, limit / Math.Sqrt(3) * 1.05);
        Assert.InRange(w.mean().item<float>(), -limit * 0.05, limit * 0.05);
    }

    [Fact]
    public void Batch_norm_uses_keras_momentum_and_epsilon()
    {
        using var model = Build();
        model.train();
        var bn = model.named_modules().Single(m => m.name == "bn1").module as MalariaLab.Modelling.Models.HeldBatchNorm2d;
        Assert.NotNull(bn);
        Assert.Equal(1e-3, bn!.eps, 9);
        Assert.Equal(0.01, bn.momentum!.Value, 9);
    }

    [Fact]
    public void Same_seed_same_weights_different_seed_different_weights()
    {
        using var a = Build(7);
        using var b = Build(7);
        using var c = Build(8);
        var wa = a.named_parameters().First().parameter;
        Assert.True(wa.allclose(b.named_parameters().First().parameter, 0, 0));
        Assert.False(wa.allclose(c.named_parameters().First().parameter, 0, 0));
    }

    [Fact]
    public void Registry_knows_seed_cnn_and_names_unknown_archs()
    {
        Assert.Contains("seed-cnn", ModelRegistry.Names);
        var e = Assert.Throws<MalariaLab.Foundation.Common.MalariaLabException>(() => ModelRegistry.Create(new ModelSpec("vgg", 0.2, 128, 0.3), 48));
        Assert.StartsWith("model.arch: unknown architecture 'vgg'; known: seed-cnn", e.Message); // tests may register more
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(7, false)]
    [InlineData(64, false)]
    [InlineData(256, false)] // every pool in managed code (InferenceMaxPool; in bf16 all but the last)
    [InlineData(7, true)]
    public void Inference_is_bit_for_bit_the_keras_layer_order(int batch, bool negativeScale)
    {
        // forward() pools before ReLU and BatchNorm in eval mode; the named steps run the Keras order. With
        // trained-like BatchNorm statistics the two must agree exactly (and fall back when some γ ≤ 0).
        using var model = TrainedLike(negativeScale);
        using var _ = no_grad();
        using var x = rand(batch, 48, 48, 3).permute(0, 3, 1, 2); // channels-last, as the pipeline feeds it
        using var fast = model.forward(x);
        var h = x;
        foreach (var step in model.Steps()) h = step.Apply(h);
        Assert.Equal(!negativeScale, model.InferenceSteps().ElementAt(1).Name == "pool1"); // pooled first, or not
        Assert.Equal(Bits(h), Bits(fast));
    }

    static int[] Bits(Tensor t) => t.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Bf16Theory]
    [InlineData(7, false)]
    [InlineData(64, false)]
    [InlineData(256, false)]
    [InlineData(7, true)]
    public void Bfloat16_inference_is_bit_for_bit_the_keras_layer_order_in_bfloat16(int batch, bool negativeScale)
    {
        // Rounding to bf16 is non-decreasing too, so pooling first must not change a bit of the bf16 network either.
        using var model = TrainedLike(negativeScale);
        using var bf16 = new Bf16Network(model);
        bf16.eval();
        using var _ = no_grad();
        Assert.Equal(!negativeScale, model.InferenceSteps().ElementAt(1).Name == "pool1"); // pooled first (γ > 0 in bf16 too), or not
        using var x = rand(batch, 48, 48, 3).permute(0, 3, 1, 2);
        using var fast = bf16.forward(x);
        using var keras = bf16.Run(model.Steps(), x);
        using var float32 = TrainedLike(negativeScale);
        using var fp32 = float32.forward(x);
        Assert.Equal(Bits(keras), Bits(fast));
        Assert.NotEqual(Bits(fp32), Bits(fast)); // it did run in bf16
    }

    /// <summary>The seed network in eval mode with random BatchNorm statistics, scales and shifts (γ in [0.5, 1.5)),
    /// one γ made negative on request.</summary>
    static SeedCnn TrainedLike(bool negativeScale)
    {
        var model = Build(seed: 5);
        manual_seed(6);
        using (no_grad())
        {
            foreach (var (name, buffer) in model.named_buffers())
                if (name.EndsWith("running_mean")) buffer.copy_(randn_like(buffer));
                else if (name.EndsWith("running_var")) buffer.copy_(rand_like(buffer).add_(0.1));
            foreach (var (name, parameter) in model.named_parameters())
                if (name.StartsWith("bn") && name.EndsWith("weight")) parameter.copy_(rand_like(parameter).add_(0.5));
                else if (name.StartsWith("bn") && name.EndsWith("bias")) parameter.copy_(randn_like(parameter));
            if (negativeScale) model.named_parameters().Single(p => p.name == "bn2.weight").parameter[3] = tensor(-0.7f);
        }
        model.eval();
        return model;
    }
}
