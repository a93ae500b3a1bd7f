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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_input_comes_back_in_order_with_its_pixels_or_its_error(bool anyThread)
    {
        var inputs = Enumerable.Range(0, 11).Select(i => new PreparedInputs.Source($"img{i:D2}.png", i switch
        {
            3 => () => throw new IOException("cannot read img03"),
            7 => () => [1, 2, 3], // not an image
            _ => () => SyntheticData.Png(6, 5, (byte)(10 * i)),
        }, anyThread)).ToList();
        var items = PreparedInputs.Chunks(inputs, Preprocess, chunkSize: 4).ToList();

        Assert.Equal([4, 4, 3], items.Select(c => c.Length));
        var all = items.SelectMany(c => c).ToList();
        Assert.Equal(inputs.Select(i => i.Path), all.Select(i => i.Path));
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
    public void Zip_entries_are_read_in_order_on_the_enumerating_thread_and_files_beside_the_decoding()
    {
        // A zip's entries share one archive stream: their reads must happen one by one, in order, while the enumerator
        // that owns the archive is open. A file's read may run on any of the decoding threads.
        int caller = Environment.CurrentManagedThreadId;
        var zipReads = new List<(int Index, int Thread)>();
        int fileReadsOffCaller = 0, enumerated = 0;
        var inputs = Enumerable.Range(0, 64).Select(i =>
        {
            enumerated = i + 1;
            return i % 2 == 0
                ? new PreparedInputs.Source($"zip!{i}.png", () => { lock (zipReads) zipReads.Add((i, Environment.CurrentManagedThreadId)); return SyntheticData.Png(4, 4); })
                : new PreparedInputs.Source($"{i}.png", () =>
                {
                    if (Environment.CurrentManagedThreadId != caller) Interlocked.Increment(ref fileReadsOffCaller);
                    Thread.Sleep(2); // long enough for the pool to bring in its other thread
                    return SyntheticData.Png(4, 4);
                }, AnyThread: true);
        });
        var items = PreparedInputs.Chunks(inputs, Preprocess, chunkSize: 16).SelectMany(c => c).ToList();

        Assert.Equal(64, enumerated);
        Assert.All(items, i => Assert.Null(i.Error));
        Assert.Equal(Enumerable.Range(0, 32).Select(i => 2 * i), zipReads.Select(r => r.Index));
        Assert.All(zipReads, r => Assert.Equal(caller, r.Thread));
        Assert.True(fileReadsOffCaller > 0, "no file was read beside the decoding");
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

    /// <summary><see cref="Good"/> images, then the error Predict's Inputs throws for a missing path; records its disposal.</summary>
    sealed class Inputs : IEnumerable<PreparedInputs.Source>
    {
        public int Good { get; init; }
        public bool Disposed { get; private set; }

        public IEnumerator<PreparedInputs.Source> GetEnumerator()
        {
            try
            {
                for (int i = 0; i < Good; i++) yield return new($"{i}.png", () => SyntheticData.Png(4, 4));
                throw new MalariaLabException("--input=nowhere: no such file or folder");
            }
            finally { Disposed = true; }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
