using MalariaLab.Foundation.Common;
using MalariaLab.RunCache;
using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Data.Prepare;

/// <summary>Prepare: decode + resize every indexed image once, in parallel, into one self-verifying uint8 file
/// (its SHA-256 is its last 32 bytes, which is also its identity for downstream stages).</summary>
public static class PrepareStage
{
    public const string Images = "images.u8";

    // Version 2: Pillow-exact nearest and bilinear resizing and convert('RGB') (123 of the sample's 3,703 images
    // changed at 48x48 nearest), so caches prepared by version 1 are not reused.
    public static readonly StageDefinition Definition = new("prepare", 2,
        "Decode and resize every indexed image once into a verified uint8 cache.",
        [SpecKeys.Preprocess.Size, SpecKeys.Preprocess.Interpolation], ["index"], ["prepared/<key>.u8"])
    {
        Run = (c, key) =>
        {
            var (result, images) = Run(IndexStage.Rows(c), IndexStage.DataRootOf(c), c.Spec.Preprocess, c.Workspace.PreparedFile(key), c.Log);
            c.Remember(ImagesMemo, images);
            return result;
        },
        // The cache file is checked in full (its own SHA-256) and against the identity its lock recorded: a valid
        // cache of other pixels (another interpolation's, copied over this one) is not these images.
        CheckReused = (c, found) =>
        {
            var output = found.Outputs[Images];
            string path = c.Workspace.Absolute(output.Path);
            var images = PreparedFile.TryRead(path, IndexStage.Rows(c).Count, c.Spec.Preprocess.Size, out var problem);
            if (images is null) return problem;
            string stored = PreparedFile.StoredSha256(path);
            if (stored != output.Identity) return $"{path} holds other pixels than the lock recorded (SHA-256 {stored[..12]}, lock {output.Identity[..Math.Min(12, output.Identity.Length)]})";
            c.Remember(ImagesMemo, images);
            return null;
        },
    };

    const string ImagesMemo = "prepared-images";

    /// <summary>The prepared pixels of this walk (read and verified when Prepare was reused, kept when it ran).</summary>
    public static PreparedImages ImagesOf(IStageContext c) =>
        c.Memo<PreparedImages>(ImagesMemo, () => throw new InvalidOperationException("prepare was not resolved in this walk"));

    public static string PathOf(IStageContext c) => c.Workspace.Absolute(c.Lock("prepare").Outputs[Images].Path);

    public static (StageResult Result, PreparedImages Images) Run(IReadOnlyList<IndexRow> rows, string dataRoot, PreprocessSpec spec, string cachePath, ILog log)
    {
        var images = Build(rows, dataRoot, spec, log);
        PreparedFile.Write(cachePath, images);
        log.Info($"prepare: {Plural.Of(rows.Count, "image")} at {spec.Size}x{spec.Size} ({spec.Interpolation}) cached in {cachePath}");
        return (new StageResult(new Dictionary<string, LockedOutput> { [Images] = new(cachePath, PreparedFile.StoredSha256(cachePath), false) }), images);
    }

    public static PreparedImages Build(IReadOnlyList<IndexRow> rows, string dataRoot, PreprocessSpec spec, ILog log)
    {
        int imageBytes = spec.Size * spec.Size * 3;
        var pixels = new byte[rows.Count * imageBytes];
        var progress = new ProgressMeter(log, "prepare", rows.Count, unit: "images");
        int done = 0;
        try
        {
            Prepare();
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is MalariaLabException) is { } first)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw(); // the first image's own error, not a wrapper
        }
        void Prepare() => Parallel.For(0, rows.Count, i =>
        {
            string path = Path.Combine(dataRoot, rows[i].Path);
            byte[] bytes = File.ReadAllBytes(path);
            // The pixels cached are those the index fingerprinted: a file changed since (or a data root that points
            // elsewhere) is refused, naming it, instead of being cached under the old dataset fingerprint.
            string sha = Hashing.Sha256Hex(bytes);
            if (sha != rows[i].Sha256)
                throw new MalariaLabException($"{path}: its SHA-256 is {sha[..12]}, the index recorded {rows[i].Sha256[..Math.Min(12, rows[i].Sha256.Length)]}; the data changed after indexing (index again: --force)");
            byte[] image = Preprocessor.Prepare(bytes, path, spec);
            image.CopyTo(pixels, i * imageBytes);
            progress.Report(Interlocked.Increment(ref done));
        });
        progress.Finish(done);
        // ImageSharp keeps its pooled decode buffers for the next image; training never decodes, so hand them back.
        SixLabors.ImageSharp.Configuration.Default.MemoryAllocator.ReleaseRetainedResources();
        return new PreparedImages(rows.Count, spec.Size, pixels);
    }
}
