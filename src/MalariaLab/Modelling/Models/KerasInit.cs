using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>Keras' default initialisers, drawn from LibTorch's seeded generator.
/// Fans follow Keras: a conv kernel's fan_in is k*k*in_channels, fan_out k*k*out_channels.</summary>
public static class KerasInit
{
    /// <summary>he_uniform: U(-l, l) with l = sqrt(6 / fan_in).</summary>
    public static void HeUniform(Tensor weight)
    {
        var (fanIn, _) = Fans(weight);
        double limit = Math.Sqrt(6.0 / fanIn);
        using var _ = no_grad();
        nn.init.uniform_(weight, -limit, limit);
    }

    /// <summary>glorot_uniform: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)).</summary>
    public static void GlorotUniform(Tensor weight)
    {
        var (fanIn, fanOut) = Fans(weight);
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        using var _ = no_grad();
        nn.init.uniform_(weight, -limit, limit);
    }

    public static void Zeros(Tensor bias)
    {
        using var _ = no_grad();
        nn.init.zeros_(bias);
    }

    /// <summary>(fan_in, fan_out) of a PyTorch-layout weight: Linear [out, in]; Conv [out, in, kh, kw].</summary>
    public static (long FanIn, long FanOut) Fans(Tensor weight)
    {
        long receptive = 1;
        for (int d = 2; d < weight.dim(); d++) receptive *= weight.shape[d];
        return (weight.shape[1] * receptive, weight.shape[0] * receptive);
    }
}
