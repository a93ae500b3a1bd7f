using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Prediction;

namespace MalariaLab.Tests.Workflows.Prediction;

/// <summary>Predict's inputs, decoded in parallel chunk by chunk: every input comes back once, in input order, with its
/// pixels or its error; an error of the input as a whole (no such folder) surfaces as itself; the inputs are released.</summary>
public class PreparedInputsTests
{
    static readonly PreprocessSpec Preprocess = new(4, "bilinear", 1.0 / 255);

    [Fact]
    public void Every_input_comes_back_in_order_with_its_pixels_or_its_error()
    {
        var inputs = Enumerable.Range(0, 11).Select(i => ($"img{i:D2}.png", (Func<byte[]>)(i switch
        {
            3 => () => throw new IOException("cannot read img03"),
            7 => () => [1, 2, 3], // not an image
            _ => () => SyntheticData.Png(6, 5, (byte)(10 * i)),
        }))).ToList();
        var items = PreparedInputs.Chunks(inputs, Preprocess, chunkSize: 4).ToList();

        Assert.Equal([4, 4, 3], items.Select(c => c.Length));
        var all = items.SelectMany(c => c).ToList();
        Assert.Equal(inputs.Select(i => i.Item1), all.Select(i => i.Path));
        Assert.Equal("cannot read img03", all[3].Error);
        Assert.Null(all[3].Pixels);
        Assert.NotNull(all[7].Error);
        Assert.Null(all[7].Pixels);
        foreach (int i in new[] { 0, 1, 2, 4, 5, 6, 8, 9, 10 })
        {
            Assert.Null(all[i].Error);
            Assert.Equal(MalariaLab.Data.Prepare.Preprocessor.Prepare(SyntheticData.Png(6, 5, (byte)(10 * i)), "x.png", Preprocess), all[i].Pixels);
        }
    }

    [Fact]
    public void An_error_of_the_whole_input_surfaces_as_itself_and_the_inputs_are_released()
    {
        var source = new Inputs();
        var error = Assert.Throws<MalariaLabException>(() => PreparedInputs.Chunks(source, Preprocess, 2).ToList());
        Assert.Equal("--input=nowhere: no such file or folder", error.Message);
        Assert.True(source.Disposed);

        var partly = new Inputs { Good = 3 };
        foreach (var _ in PreparedInputs.Chunks(partly, Preprocess, 2)) break; // a caller that stops early
        Assert.True(partly.Disposed);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Several_workers_get_every_input_once_in_whole_chunks_in_input_order_read_one_at_a_time(int workers)
    {
        int reading = 0, mostAtOnce = 0;
        Func<byte[]> Reader(int i) => () =>
        {
            int now = Interlocked.Increment(ref reading);
            InterlockedMax(ref mostAtOnce, now);
            Thread.Sleep(1); // long enough for a second reader to overlap, were one let in
            Interlocked.Decrement(ref reading);
            return i == 9 ? throw new IOException("cannot read img09") : SyntheticData.Png(6, 5, (byte)(10 * i));
        };
        var inputs = Enumerable.Range(0, 23).Select(i => ($"img{i:D2}.png", Reader(i))).ToList();
        var chunks = new System.Collections.Concurrent.ConcurrentBag<(int Thread, PreparedInputs.Item[] Chunk)>();
        using var everyWorker = new Barrier(workers);
        var waited = new ThreadLocal<bool>();
        PreparedInputs.ForEachChunk(inputs, Preprocess, chunkSize: 4, workers, chunk =>
        {
            chunks.Add((Environment.CurrentManagedThreadId, chunk));
            if (!waited.Value) // each worker's first chunk waits until every worker holds one
            {
                waited.Value = true;
                Assert.True(everyWorker.SignalAndWait(TimeSpan.FromSeconds(30)), "not every worker got a chunk");
            }
        });

        var ordered = chunks.Select(c => c.Chunk).OrderBy(c => c[0].Path, StringComparer.Ordinal).ToList();
        Assert.Equal([4, 4, 4, 4, 4, 3], ordered.Select(c => c.Length));
        var all = ordered.SelectMany(c => c).ToList();
        Assert.Equal(inputs.Select(i => i.Item1), all.Select(i => i.Path));
        Assert.Equal("cannot read img09", all[9].Error);
        Assert.Equal(MalariaLab.Data.Prepare.Preprocessor.Prepare(SyntheticData.Png(6, 5, 220), "x.png", Preprocess), all[22].Pixels);
        Assert.Equal(workers, chunks.Select(c => c.Thread).Distinct().Count());
        Assert.Equal(1, mostAtOnce);
    }

    static void InterlockedMax(ref int target, int value)
    {
        for (int seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }

    [Fact]
    public void With_several_workers_the_first_error_stops_them_all_and_surfaces_as_itself()
    {
        var source = new Inputs { Good = 9 };
        int worked = 0;
        var error = Assert.Throws<MalariaLabException>(() => PreparedInputs.ForEachChunk(source, Preprocess, 2, 2, _ => Interlocked.Increment(ref worked)));
        Assert.Equal("--input=nowhere: no such file or folder", error.Message);
        Assert.True(source.Disposed);

        var many = new Inputs { Good = 1000 };
        int calls = 0;
        var thrown = Assert.Throws<InvalidOperationException>(() => PreparedInputs.ForEachChunk(many, Preprocess, 2, 2, _ =>
        {
            if (Interlocked.Increment(ref calls) == 3) throw new InvalidOperationException("classifier failed");
            Thread.Sleep(5);
        }));
        Assert.Equal("classifier failed", thrown.Message);
        Assert.True(calls < 10, $"{calls} chunks worked on after the failure");
        Assert.True(many.Disposed);
    }

    /// <summary><see cref="Good"/> images, then the error Predict's Inputs throws for a missing path; records its disposal.</summary>
    sealed class Inputs : IEnumerable<(string, Func<byte[]>)>
    {
        public int Good { get; init; }
        public bool Disposed { get; private set; }

        public IEnumerator<(string, Func<byte[]>)> GetEnumerator()
        {
            try
            {
                for (int i = 0; i < Good; i++) yield return ($"{i}.png", () => SyntheticData.Png(4, 4));
                throw new MalariaLabException("--input=nowhere: no such file or folder");
            }
            finally { Disposed = true; }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
