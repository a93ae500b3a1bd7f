using MalariaLab.Modelling.Augmentation;

namespace MalariaLab.Workflows.Prediction;

/// <summary>The test-time views of uint8 N x S x S x 3 images, pixel for pixel the same as Evaluator.View's on the
/// model input (<see cref="SymmetryMaps"/>).</summary>
public static class PixelViews
{
    /// <summary>View <paramref name="k"/> of <paramref name="count"/> images, written into <paramref name="output"/> (the
    /// caller's buffer, reused from batch to batch; every byte of it is written). On all cores unless
    /// <paramref name="parallel"/> is false (the caller is one of several workers, each on a core of its own).</summary>
    public static byte[] View(byte[] nhwc, int count, int size, string tta, int k, byte[] output, bool parallel = true)
    {
        if (nhwc.Length != count * size * size * 3 || output.Length != nhwc.Length || ReferenceEquals(output, nhwc))
            throw new ArgumentException($"TTA views: {count} images of {size}x{size}x3 need input and output buffers of {count * size * size * 3} bytes each, apart");
        var map = SymmetryMaps.SourceOffsets(size, tta, k); // a lookup per pixel: TTA's eight views of a 256-image batch are 4.7M pixels
        int image = size * size * 3;
        // Images are independent: all cores copy (this sits between decoding and the forward pass, not beside them).
        void Copy(int n)
        {
            var from = nhwc.AsSpan(n * image, image);
            var to = output.AsSpan(n * image, image);
            for (int pixel = 0, at = 0; pixel < map.Length; pixel++, at += 3)
            {
                int source = map[pixel];
                to[at] = from[source];
                to[at + 1] = from[source + 1];
                to[at + 2] = from[source + 2];
            }
        }
        if (parallel) Parallel.For(0, count, Copy);
        else for (int n = 0; n < count; n++) Copy(n);
        return output;
    }
}
