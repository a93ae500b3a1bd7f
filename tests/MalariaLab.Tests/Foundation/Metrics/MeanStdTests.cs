using MalariaLab.Foundation.Metrics;

namespace MalariaLab.Tests.Foundation.Metrics;

public class MeanStdTests
{
    [Fact]
    public void Mean_and_sample_std_equal_numpy_ddof_1()
    {
        // numpy: np.mean([0.9, 0.92, 0.95]) = 0.9233333; np.std([0.9, 0.92, 0.95], ddof=1) = 0.0251661
        var s = MeanStd.Of([0.9, 0.92, 0.95]);
        Assert.Equal(0.92333333333, s.Mean, 10);
        Assert.Equal(0.02516611478, s.Std, 10);
        Assert.Equal(0, MeanStd.Of([0.5]).Std);
    }
}
