using System.Runtime.ExceptionServices;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Prediction;

/// <summary>Predict's input side: images are read in order by one thread at a time (a zip cannot be read by two), a
/// chunk at a time, then decoded and resized. Two ways to use the cores, chosen by the classifier:
/// <list type="bullet">
/// <item><see cref="Chunks"/>: one chunk at a time, decoded on all cores, then classified on all cores (LibTorch). A chunk
/// is not prepared while the one before is classified: measured on 2 cores, decoding beside the forward pass stalls
/// LibTorch's OpenMP threads (a batch-256 forward took 2.3x as long), more than the overlap saves.</item>
/// <item><see cref="ForEachChunk"/> with several workers: each worker reads, decodes and classifies whole chunks of its
/// own on its own thread, so no core waits for another (ONNX Runtime, one thread a session call).</item>
/// </list></summary>
public static class PreparedInputs
{
    /// <summary>An input's size x size x 3 pixels, or why it could not be read.</summary>
    public sealed record Item(string Path, byte[]? Pixels, string? Error);

    public static IEnumerable<Item[]> Chunks(IEnumerable<(string Path, Func<byte[]> Read)> inputs, PreprocessSpec preprocess, int chunkSize)
    {
        using var items = inputs.GetEnumerator();
        while (Read(items, chunkSize) is { Count: > 0 } read) yield return Decode(read, preprocess, parallel: true);
    }

    /// <summary>Calls <paramref name="work"/> on every chunk of inputs, from <paramref name="workers"/> threads at once,
    /// each reading (in turn), decoding and then working on a chunk of its own; chunks come in no set order (each
    /// chunk's items keep theirs). One worker is <see cref="Chunks"/>. The first error, of the inputs as a whole or of
    /// <paramref name="work"/>, stops every worker and surfaces as itself.</summary>
    public static void ForEachChunk(IEnumerable<(string Path, Func<byte[]> Read)> inputs, PreprocessSpec preprocess, int chunkSize, int workers, Action<Item[]> work)
    {
        if (workers <= 1)
        {
            foreach (var chunk in Chunks(inputs, preprocess, chunkSize)) work(chunk);
            return;
        }
        using var items = inputs.GetEnumerator();
        var reading = new object();
        Exception? first = null; // the first error in time, whichever worker met it
        var threads = Enumerable.Range(0, workers).Select(_ => Task.Factory.StartNew(() =>
        {
            try
            {
                while (true)
                {
                    List<(string Path, byte[]? Bytes, string? Error)> read;
                    lock (reading)
                    {
                        if (first is not null) return;
                        read = Read(items, chunkSize); // every input's bytes are read here, one reader at a time
                        if (read.Count == 0) return;
                    }
                    work(Decode(read, preprocess, parallel: false));
                }
            }
            catch (Exception e)
            {
                lock (reading) first ??= e;
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(threads);
        if (first is not null) ExceptionDispatchInfo.Capture(first).Throw();
    }

    static List<(string Path, byte[]? Bytes, string? Error)> Read(IEnumerator<(string Path, Func<byte[]> Read)> items, int chunkSize)
    {
        var read = new List<(string Path, byte[]? Bytes, string? Error)>(chunkSize);
        while (read.Count < chunkSize && items.MoveNext())
        {
            var (path, reader) = items.Current;
            try { read.Add((path, reader(), null)); }
            catch (Exception e) when (IsInputError(e)) { read.Add((path, null, e.Message)); }
        }
        return read;
    }

    static Item[] Decode(List<(string Path, byte[]? Bytes, string? Error)> read, PreprocessSpec preprocess, bool parallel)
    {
        var chunk = new Item[read.Count];
        void One(int i)
        {
            var (path, bytes, error) = read[i];
            if (bytes is null) { chunk[i] = new Item(path, null, error); return; }
            try { chunk[i] = new Item(path, Data.Prepare.Preprocessor.Prepare(bytes, path, preprocess), null); }
            catch (Exception e) when (IsInputError(e)) { chunk[i] = new Item(path, null, e.Message); }
        }
        if (parallel) Parallel.For(0, read.Count, One);
        else for (int i = 0; i < read.Count; i++) One(i);
        return chunk;
    }

    /// <summary>What makes one input an error row rather than a failed command.</summary>
    static bool IsInputError(Exception e) => e is MalariaLabException or IOException or InvalidDataException;
}
