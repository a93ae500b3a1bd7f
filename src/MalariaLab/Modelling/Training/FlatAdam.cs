using MalariaLab.Foundation.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Training;

/// <summary>Adam with TorchSharp's update, its moment arithmetic done once over all parameters: the gradients
/// live as views of one flat buffer (backward accumulates into them), and so do both moments and the denominator.
/// A step is 7 flat calls plus one addcdiv_ per parameter instead of ~10 calls per parameter (about 200 for the
/// seed CNN, ~1.5 ms, 12% of a batch-8 step). The arithmetic is element for element TorchSharp's optim.Adam
/// (no AMSGrad), so the weights are bit for bit the same (a test holds it to that); with weight decay it is AdamW.</summary>
public sealed class FlatAdam : IDisposable
{
    readonly Tensor _gradients, _expAvg, _expAvgSq, _denominator;
    readonly (Parameter Parameter, Tensor ExpAvg, Tensor Denominator)[] _updates;
    readonly double _beta1, _beta2, _eps;
    long _step;

    /// <summary>The rate of the next step (a schedule sets it per step).</summary>
    public double Lr { get; set; }

    /// <summary>Decoupled weight decay (AdamW, as PyTorch: weights x (1 − lr x wd) before the Adam update); 0 = Adam.</summary>
    public double WeightDecay { get; init; }

    public FlatAdam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double eps)
    {
        var list = parameters.Where(p => p.requires_grad).ToList();
        if (list.Any(p => p.dtype != ScalarType.Float32)) throw new ArgumentException("FlatAdam needs float32 parameters");
        long total = list.Sum(p => p.numel());
        _gradients = zeros(total);
        _expAvg = zeros(total);
        _expAvgSq = zeros(total);
        _denominator = zeros(total);
        (Lr, _beta1, _beta2, _eps) = (lr, beta1, beta2, eps);

        _updates = new (Parameter, Tensor, Tensor)[list.Count];
        long offset = 0;
        for (int i = 0; i < list.Count; i++)
        {
            var parameter = list[i];
            long n = parameter.numel();
            Tensor Slice(Tensor flat) => flat.narrow(0, offset, n).view(parameter.shape);
            using (var gradient = Slice(_gradients)) parameter.grad = gradient; // backward accumulates here
            _updates[i] = (parameter, Slice(_expAvg), Slice(_denominator));
            offset += n;
        }
    }

    public void ZeroGrad() => _gradients.zero_();

    public void Step()
    {
        using var _ = no_grad();
        _step++;
        double biasCorrection1 = 1 - Math.Pow(_beta1, _step);
        double biasCorrection2 = 1 - Math.Pow(_beta2, _step);
        // Every number goes in as a held Scalar (HeldScalars: an implicit one can be freed mid-op).
        _expAvg.TimesInPlace(_beta1).AddScaledInPlace(_gradients, 1 - _beta1);
        _expAvgSq.TimesInPlace(_beta2).AddProductInPlace(_gradients, _gradients, 1 - _beta2);
        _denominator.copy_(_expAvgSq).sqrt_().DividedInPlace(Math.Sqrt(biasCorrection2)).PlusNumberInPlace(_eps);
        if (WeightDecay > 0)
            foreach (var (parameter, _, _) in _updates) parameter.TimesInPlace(1 - Lr * WeightDecay);
        double stepSize = Lr / biasCorrection1;
        foreach (var (parameter, expAvg, denominator) in _updates)
            parameter.AddQuotientInPlace(expAvg, denominator, -stepSize);
    }

    /// <summary>The step count and both moments, for a training checkpoint (little-endian: step, then the floats).</summary>
    public void WriteState(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(_step);
        foreach (var flat in new[] { _expAvg, _expAvgSq }) writer.Write(flat.bytes);
    }

    public void ReadState(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        _step = reader.ReadInt64();
        foreach (var flat in new[] { _expAvg, _expAvgSq })
        {
            var bytes = reader.ReadBytes((int)flat.NumberOfElements * 4);
            if (bytes.Length != flat.NumberOfElements * 4) throw new Foundation.Common.MalariaLabException("optimizer checkpoint: too short for this network");
            bytes.CopyTo(flat.bytes);
        }
    }

    public void Dispose()
    {
        foreach (var (_, expAvg, denominator) in _updates)
        {
            expAvg.Dispose();
            denominator.Dispose();
        }
        foreach (var flat in new[] { _gradients, _expAvg, _expAvgSq, _denominator }) flat.Dispose();
    }
}
