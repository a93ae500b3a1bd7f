using MalariaLab.Common;
using MalariaLab.Indexing;
using MalariaLab.Specs;

namespace MalariaLab.Prepare;

/// <summary>Prepare: decode + resize every indexed image in parallel, cached by (dataset fingerprint,
/// preprocess section); later runs load the cache.</summary>
public static class PrepareStage
{
    public const string Version = "prepare/v1";

    public static string Key(string datasetFingerprint, PreprocessSpec spec) =>
        Hashing.Sha256Hex($"{Version}\n{datasetFingerprint}\n{spec.Size}\n{spec.Interpolation}");

    public static PreparedImages LoadOrBuild(string cachePath, IReadOnlyList<IndexRow> rows, string dataRoot, PreprocessSpec spec, ILog log, bool force = false)
    {
        if (!force)
        {
            var cached = PreparedFile.TryRead(cachePath, rows.Count, spec.Size, out var problem);
            if (cached is not null)
            {
                log.Info($"prepare: {rows.Count} images from cache {cachePath}");
                return cached;
            }
            if (problem != "not built yet") log.Warn($"prepare: rebuilding the cache: {problem}");
        }
        var images = Build(rows, dataRoot, spec, log);
        PreparedFile.Write(cachePath, images);
        log.Info($"prepare: {rows.Count} images at {spec.Size}x{spec.Size} ({spec.Interpolation}) cached in {cachePath}");
        return images;
    }

    public static PreparedImages Build(IReadOnlyList<IndexRow> rows, string dataRoot, PreprocessSpec spec, ILog log)
    {
        int imageBytes = spec.Size * spec.Size * 3;
        var pixels = new byte[rows.Count * imageBytes];
        var progress = new ProgressMeter(log, "prepare", rows.Count, unit: "images");
        int done = 0;
        Parallel.For(0, rows.Count, i =>
        {
            string path = Path.Combine(dataRoot, rows[i].Path);
            byte[] image = Preprocessor.Prepare(File.ReadAllBytes(path), path, spec);
            image.CopyTo(pixels, i * imageBytes);
            progress.Report(Interlocked.Increment(ref done));
        });
        progress.Finish(done);
        // ImageSharp keeps its pooled decode buffers for the next image; training never decodes, so hand them back.
        SixLabors.ImageSharp.Configuration.Default.MemoryAllocator.ReleaseRetainedResources();
        return new PreparedImages(rows.Count, spec.Size, pixels);
    }
}
