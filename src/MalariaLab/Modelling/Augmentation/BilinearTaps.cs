namespace MalariaLab.Modelling.Augmentation;

/// <summary>Zoom by <c>scale</c> about the centre and shift by <c>shift</c> sides along one axis of an S-pixel side, as
/// the two source pixels and weights of each output pixel: bilinear, pixel centres at i + 0.5 (grid_sample's
/// align_corners = false), zero (black) outside. The warp has no rotation, so rows and columns have their own taps.
/// A tap outside the image reads pixel 0 with weight 0.</summary>
public sealed record BilinearTaps(int[] Low, int[] High, float[] LowWeight, float[] HighWeight)
{
    public static BilinearTaps For(int size, double scale, double shift)
    {
        var taps = new BilinearTaps(new int[size], new int[size], new float[size], new float[size]);
        for (int i = 0; i < size; i++)
        {
            // Output pixel i's centre, measured from the image's centre, moved back by the shift and shrunk by the zoom
            // (zoom in = a smaller area): the source position. Exact for the identity (small halves and integers).
            double half = size / 2.0;
            double source = (i + 0.5 - half - shift * size) / scale + half - 0.5;
            double low = Math.Floor(source), fraction = source - low;
            bool lowInside = low >= 0 && low < size, highInside = low + 1 >= 0 && low + 1 < size;
            taps.Low[i] = lowInside ? (int)low : 0;
            taps.High[i] = highInside ? (int)low + 1 : 0;
            taps.LowWeight[i] = lowInside ? (float)(1 - fraction) : 0;
            taps.HighWeight[i] = highInside ? (float)fraction : 0;
        }
        return taps;
    }
}
