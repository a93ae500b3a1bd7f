using MalariaLab.Foundation.Specs;
using MalariaLab.Modelling.Augmentation;
using MalariaLab.Modelling.Training;
using MalariaLab.Tests.Support;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Reliability;

/// <summary>The numbers a training step hands LibTorch (Adam's betas and step size) stay alive through each op while
/// another thread collects garbage as fast as it can: no use-after-free errors, and the same bits as without it (see
/// HeldScalars). With TorchSharp's implicit Scalars the Adam loop threw "Expected false to be true ... toFloat" in each
/// of two runs. Augmentation, now managed code reading each image's native bytes through a view, is held to the same
/// bits under collection too (a view freed early would read freed memory).</summary>
[Collection(LibTorchCollection.Name)]
public class ScalarLifetimeTests
{
    /// <summary>Runs <paramref name="work"/> while a thread forces collections and finalizers back to back.</summary>
    static T WhileCollecting<T>(Func<T> work)
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() => { while (!stop.IsCancellationRequested) { GC.Collect(); GC.WaitForPendingFinalizers(); } }) { IsBackground = true };
        collector.Start();
        try { return work(); }
        finally { stop.Cancel(); collector.Join(); }
    }

    [Fact]
    public void Adam_steps_under_collection_give_the_same_weights()
    {
        byte[] Run(bool collecting)
        {
            manual_seed(11);
            using var weights = nn.Parameter(randn(1 << 18));
            using var adam = new FlatAdam([weights], 1e-3, 0.9, 0.999, 1e-7) { WeightDecay = 0.01 };
            using var gradient = randn(1 << 18);
            return (collecting ? WhileCollecting : (Func<Func<byte[]>, byte[]>)(f => f()))(() =>
            {
                for (int step = 0; step < 1500; step++)
                {
                    adam.ZeroGrad();
                    // copy_, not add_: TorchSharp's add_(tensor) makes an implicit alpha Scalar of its own, and this
                    // line raced the collector once in a full suite (the loop being tested is FlatAdam's).
                    using (no_grad()) weights.grad!.copy_(gradient);
                    adam.Step();
                }
                return weights.bytes.ToArray();
            });
        }
        Assert.True(Run(collecting: true).AsSpan().SequenceEqual(Run(collecting: false)));
    }

    [Fact]
    public void Augmentation_under_collection_gives_the_same_images()
    {
        var augmenter = new Augmenter(new AugmentSpec("dihedral8", 0.1, 0.1, 0.1, 0.02, 0.05, 0.05), 42);
        using var batch = randint(0, 256, [64, 48, 48, 3], ScalarType.Byte, generator: new TorchSharp.torch.Generator(3));
        long[] rows = [.. Enumerable.Range(0, 64).Select(i => (long)i)];
        byte[] Expected(int epoch) { using var scope = NewDisposeScope(); return augmenter.Apply(batch, rows, 1.0 / 255, epoch).contiguous().bytes.ToArray(); }
        var expected = Enumerable.Range(0, 4).Select(Expected).ToArray();
        int differing = WhileCollecting(() =>
        {
            int count = 0;
            for (int i = 0; i < 400; i++)
            {
                using var scope = NewDisposeScope();
                if (!augmenter.Apply(batch, rows, 1.0 / 255, i % 4).contiguous().bytes.SequenceEqual(expected[i % 4])) count++;
            }
            return count;
        });
        Assert.Equal(0, differing);
    }
}
