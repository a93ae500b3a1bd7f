using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Prediction;

/// <summary>Predict's input side, a chunk at a time: files are read, decoded and resized in parallel; zip entries are
/// read in order by one thread (one archive stream), then decoded in parallel. A chunk is not prepared while the one
/// before is classified:
/// measured on 2 cores, decoding beside the forward pass stalls LibTorch's OpenMP threads (a batch-256 forward took
/// 2.3x as long), more than the overlap saves.</summary>
public static class PreparedInputs
{
    /// <summary>An input's size x size x 3 pixels, or why it could not be read.</summary>
    public sealed record Item(string Path, byte[]? Pixels, string? Error);

    /// <summary>An input and how to read its bytes. <paramref name="AnyThread"/>: the read shares nothing with another
    /// input's (a file of its own), so it may run on any thread beside others; a zip entry's may not.</summary>
    public sealed record Source(string Path, Func<byte[]> Read, bool AnyThread = false);

    public static IEnumerable<Item[]> Chunks(IEnumerable<Source> inputs, PreprocessSpec preprocess, int chunkSize)
    {
        using var items = inputs.GetEnumerator();
        Item[] Next()
        {
            // Reads that must stay on this thread, in order, happen here; the others with the decoding. Reading the
            // 3,703 sample files one by one took 0.23-0.58 s here, beside 0.58-0.77 s of decoding on both cores.
            var read = new List<(Source Input, byte[]? Bytes, string? Error)>(chunkSize);
            while (read.Count < chunkSize && items.MoveNext())
                read.Add(items.Current.AnyThread ? (items.Current, null, null) : Read(items.Current));
            var chunk = new Item[read.Count];
            Parallel.For(0, read.Count, i =>
            {
                var (input, bytes, error) = read[i].Input.AnyThread ? Read(read[i].Input) : read[i];
                if (bytes is null) { chunk[i] = new Item(input.Path, null, error); return; }
                try { chunk[i] = new Item(input.Path, Data.Prepare.Preprocessor.Prepare(bytes, input.Path, preprocess), null); }
                catch (Exception e) when (IsInputError(e)) { chunk[i] = new Item(input.Path, null, e.Message); }
            });
            return chunk;
        }

        static (Source, byte[]?, string?) Read(Source input)
        {
            try { return (input, input.Read(), null); }
            catch (Exception e) when (IsInputError(e)) { return (input, null, e.Message); }
        }

        while (Next() is { Length: > 0 } chunk) yield return chunk;
    }

    /// <summary>What makes one input an error row rather than a failed command.</summary>
    static bool IsInputError(Exception e) => e is MalariaLabException or IOException or InvalidDataException;
}
