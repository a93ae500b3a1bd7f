namespace MalariaLab.Modelling.Training;

/// <summary>Keras' EarlyStopping: an epoch improves when the monitored value beats the best by more than
/// min_delta (lower for min, higher for max); after <c>patience</c> epochs in a row without improvement,
/// training stops.</summary>
public sealed class EarlyStopping(int patience, double minDelta, bool maximize)
{
    public double Best { get; private set; } = maximize ? double.NegativeInfinity : double.PositiveInfinity;
    public int BestEpoch { get; private set; }
    public int Wait { get; private set; }

    public double[] State
    {
        get => [Best, BestEpoch, Wait];
        set => (Best, BestEpoch, Wait) = (value[0], (int)value[1], (int)value[2]);
    }

    /// <summary>Records one epoch's value; returns true when training should stop after this epoch.</summary>
    public bool Update(int epoch, double value)
    {
        bool improved = maximize ? value - minDelta > Best : value + minDelta < Best;
        if (improved)
        {
            Best = value;
            BestEpoch = epoch;
            Wait = 0;
            return false;
        }
        Wait++;
        return Wait >= patience;
    }
}

/// <summary>Keras' ModelCheckpoint(save_best_only=True): the epoch is saved when its value is strictly better
/// than every earlier one (the first epoch always is).</summary>
public sealed class BestTracker(bool maximize)
{
    public double Best { get; private set; } = maximize ? double.NegativeInfinity : double.PositiveInfinity;
    public int BestEpoch { get; private set; }

    public double[] State
    {
        get => [Best, BestEpoch];
        set => (Best, BestEpoch) = (value[0], (int)value[1]);
    }

    public bool Update(int epoch, double value)
    {
        if (!(maximize ? value > Best : value < Best)) return false;
        Best = value;
        BestEpoch = epoch;
        return true;
    }
}
