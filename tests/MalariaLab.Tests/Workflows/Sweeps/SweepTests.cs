using MalariaLab.Foundation.Specs;
using MalariaLab.Workflows.Sweeps;

namespace MalariaLab.Tests.Workflows.Sweeps;

public class SweepTests
{
    static List<SweepPoint> Points() => SweepPlan.Expand(SpecLoader.Parse("name: a\nseed: 1\nsweep:\n  train.lr: [0.001, 0.0001]\n  seed: [1, 2, 3]\n", "s.yaml").Sweep);

    [Fact]
    public void Expansion_order_is_stable_last_axis_fastest()
    {
        Assert.Equal(
        [
            "train.lr=0.001, seed=1", "train.lr=0.001, seed=2", "train.lr=0.001, seed=3",
            "train.lr=0.0001, seed=1", "train.lr=0.0001, seed=2", "train.lr=0.0001, seed=3",
        ], Points().Select(p => p.Label));
        Assert.Equal(Enumerable.Range(0, 6), Points().Select(p => p.Index));
    }
}
