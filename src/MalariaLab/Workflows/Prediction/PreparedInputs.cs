using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Prediction;

/// <summary>Predict's input side: images are read in order by one thread (a zip cannot be read by two), then each
/// chunk's images are decoded and resized in parallel. A chunk is not prepared while the one before is classified:
/// measured on 2 cores, decoding beside the forward pass stalls LibTorch's OpenMP threads (a batch-256 forward took
/// 2.3x as long), more than the overlap saves.</summary>
public static class PreparedInputs
{
    /// <summary>An input's size x size x 3 pixels, or why it could not be read.</summary>
    public sealed record Item(string Path, byte[]? Pixels, string? Error);

    public static IEnumerable<Item[]> Chunks(IEnumerable<(string Path, Func<byte[]> Read)> inputs, PreprocessSpec preprocess, int chunkSize)
    {
        using var items = inputs.GetEnumerator();
        Item[] Next()
        {
            var read = new List<(string Path, byte[]? Bytes, string? Error)>(chunkSize);
            while (read.Count < chunkSize && items.MoveNext())
            {
                var (path, reader) = items.Current;
                try { read.Add((path, reader(), null)); }
                catch (Exception e) when (IsInputError(e)) { read.Add((path, null, e.Message)); }
            }
            var chunk = new Item[read.Count];
            Parallel.For(0, read.Count, i =>
            {
                var (path, bytes, error) = read[i];
                if (bytes is null) { chunk[i] = new Item(path, null, error); return; }
                try { chunk[i] = new Item(path, Data.Prepare.Preprocessor.Prepare(bytes, path, preprocess), null); }
                catch (Exception e) when (IsInputError(e)) { chunk[i] = new Item(path, null, e.Message); }
            });
            return chunk;
        }

        while (Next() is { Length: > 0 } chunk) yield return chunk;
    }

    /// <summary>What makes one input an error row rather than a failed command.</summary>
    static bool IsInputError(Exception e) => e is MalariaLabException or IOException or InvalidDataException;
}
