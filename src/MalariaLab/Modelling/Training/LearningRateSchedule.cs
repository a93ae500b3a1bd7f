using MalariaLab.Foundation.Specs;

namespace MalariaLab.Modelling.Training;

/// <summary>The learning rate of every optimisation step (train.schedule), from the base rate, the step's position
/// and, for plateau, the validation losses seen so far. "constant" returns the base rate unchanged, bit for bit.</summary>
public sealed class LearningRateSchedule(ScheduleSpec spec, double baseLr, int epochs, int stepsPerEpoch)
{
    double _plateauFactor = 1, _bestLoss = double.PositiveInfinity;
    int _sinceBest;

    /// <summary>The rate for a step; epoch is 1-based, step counts within the epoch from 0.</summary>
    public double At(int epoch, int step)
    {
        double t = ((epoch - 1) * (double)stepsPerEpoch + step) / Math.Max(1, (double)epochs * stepsPerEpoch); // progress 0..1
        switch (spec.Kind)
        {
            case "constant":
                return baseLr;
            case "step":
                return baseLr * Math.Pow(spec.Gamma, (epoch - 1) / spec.StepEpochs);
            case "cosine":
                double warm = spec.WarmupEpochs * (double)stepsPerEpoch, done = (epoch - 1) * (double)stepsPerEpoch + step;
                if (done < warm) return baseLr * (0.1 + 0.9 * done / warm);
                double rest = Math.Max(1, epochs * (double)stepsPerEpoch - warm);
                return spec.MinLr + (baseLr - spec.MinLr) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, (done - warm) / rest)));
            case "one-cycle":
                // PyTorch's OneCycleLR shape (cosine annealing, pct_start 0.3): lr/25 → lr → min_lr.
                const double rise = 0.3;
                double start = baseLr / 25;
                return t < rise
                    ? start + (baseLr - start) * 0.5 * (1 - Math.Cos(Math.PI * t / rise))
                    : spec.MinLr + (baseLr - spec.MinLr) * 0.5 * (1 + Math.Cos(Math.PI * (t - rise) / (1 - rise)));
            case "plateau":
                return Math.Max(spec.MinLr, baseLr * _plateauFactor);
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "unknown schedule");
        }
    }

    /// <summary>The plateau state (factor, best loss, epochs since), for a training checkpoint.</summary>
    public double[] State
    {
        get => [_plateauFactor, _bestLoss, _sinceBest];
        set => (_plateauFactor, _bestLoss, _sinceBest) = (value[0], value[1], (int)value[2]);
    }

    /// <summary>After each epoch: plateau decays by gamma once val_loss has not improved for plateau_patience epochs (Keras' ReduceLROnPlateau, cooldown 0).</summary>
    public void EndOfEpoch(double validationLoss)
    {
        if (spec.Kind != "plateau") return;
        if (validationLoss < _bestLoss) { _bestLoss = validationLoss; _sinceBest = 0; return; }
        if (++_sinceBest >= Math.Max(1, spec.PlateauPatience)) { _plateauFactor *= spec.Gamma; _sinceBest = 0; } // Keras: wait >= patience
    }
}
