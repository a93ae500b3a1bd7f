using MalariaLab.Foundation.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>nn.BatchNorm2d with TorchSharp's forward, except that the batch counter goes up by a held Scalar.
/// TorchSharp 0.107's BatchNorm.forward runs num_batches_tracked.add_(1) with two implicit Scalars, which a
/// collection on another thread can free while LibTorch reads them (see HeldScalars): under a collector running
/// back to back a training threw "toLong" from that line. Same parameters, buffers, names and arithmetic as
/// nn.BatchNorm2d, so the same weights files.</summary>
public sealed class HeldBatchNorm2d : BatchNorm
{
    public HeldBatchNorm2d(long features, double eps = 1e-5, double momentum = 0.1)
        : base(features, eps, momentum, affine: true, track_running_stats: true, device: null, dtype: null, name: "BatchNorm2d")
    {
        if (!(momentum > 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in (0, 1]");
    }

    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.ndim != 4) throw new ArgumentException($"expected 4D input, but got {input.ndim}D input.");
    }

    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        if (training) num_batches_tracked!.IncrementInPlace();
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, momentum ?? throw new InvalidOperationException("HeldBatchNorm2d needs a momentum"), eps);
    }
}
