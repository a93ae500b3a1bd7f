using MalariaLab.Modelling.Training;

namespace MalariaLab.Tests.Modelling.Training;

public class EarlyStoppingTests
{
    static int StopEpoch(EarlyStopping early, double[] values)
    {
        for (int i = 0; i < values.Length; i++)
            if (early.Update(i + 1, values[i])) return i + 1;
        return -1;
    }

    [Fact]
    public void Stops_after_patience_epochs_without_improvement()
    {
        // Best at epoch 2 (0.40); epochs 3, 4, 5 do not beat it; patience 3 → stop after epoch 5.
        var early = new EarlyStopping(patience: 3, minDelta: 0, maximize: false);
        Assert.Equal(5, StopEpoch(early, [0.50, 0.40, 0.45, 0.41, 0.40, 0.30]));
        Assert.Equal(2, early.BestEpoch);
    }

    [Fact]
    public void An_improvement_resets_the_wait()
    {
        var early = new EarlyStopping(3, 0, false);
        Assert.Equal(7, StopEpoch(early, [0.5, 0.6, 0.6, 0.4, 0.5, 0.5, 0.5, 0.1]));
        Assert.Equal(4, early.BestEpoch);
    }

    [Fact]
    public void Min_delta_and_max_mode()
    {
        // Improvements smaller than min_delta do not count.
        Assert.Equal(4, StopEpoch(new EarlyStopping(3, 0.01, false), [0.50, 0.495, 0.491, 0.4905]));
        Assert.Equal(3, StopEpoch(new EarlyStopping(2, 0, true), [0.8, 0.7, 0.79, 0.95]));
    }

    [Fact]
    public void Checkpoint_tracks_the_strictly_best_epoch()
    {
        var best = new BestTracker(maximize: true);
        bool[] saved = new[] { 0.70, 0.80, 0.80, 0.75, 0.81 }.Select((v, i) => best.Update(i + 1, v)).ToArray();
        Assert.Equal([true, true, false, false, true], saved);
        Assert.Equal((5, 0.81), (best.BestEpoch, best.Best));
    }
}
