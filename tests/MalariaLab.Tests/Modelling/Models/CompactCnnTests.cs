using MalariaLab.Modelling.Models;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Bench;

namespace MalariaLab.Tests.Modelling.Models;

/// <summary>The phone-sized network keeps the budget the issue set (≤ 100 k parameters, ≤ 5 MFLOP per 48 px image),
/// counted by hand layer by layer.</summary>
[Collection(LibTorchCollection.Name)]
public class CompactCnnTests
{
    [Fact]
    public void Parameters_and_flops_are_the_hand_counted_ones()
    {
        using var net = new CompactCnn(48, 0.5);
        // Weights (BatchNorm: gamma and beta): stem 3·16·9 + 32; depthwise 16·9 + 32, 48·9 + 96, 96·9 + 192;
        // pointwise 16·48 + 96, 48·96 + 192, 96·192 + 384; head 192 + 1.
        long expected = 432 + 32 + 144 + 32 + 768 + 96 + 432 + 96 + 4608 + 192 + 864 + 192 + 18432 + 384 + 193;
        Assert.Equal(26_897, expected);
        Assert.Equal(expected, net.parameters().Sum(p => p.numel()));
        // Multiply-adds: stem 24²·16·27; dw 24²·16·9, 12²·48·9, 6²·96·9; pw 24²·48·16, 12²·96·48, 6²·192·96; head 192.
        double macs = 24 * 24 * 16 * 27 + 24 * 24 * 16 * 9 + 12 * 12 * 48 * 9 + 6 * 6 * 96 * 9 + 24 * 24 * 48 * 16 + 12 * 12 * 96 * 48 + 6 * 6 * 192 * 96 + 192;
        Assert.Equal(2 * macs, ComputeCeiling.ForwardFlopsPerImage(net, 48));
        Assert.True(expected <= 100_000 && 2 * macs <= 5e6);
    }
}
