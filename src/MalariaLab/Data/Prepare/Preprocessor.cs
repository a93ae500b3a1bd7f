using MalariaLab.Data.Imaging;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Data.Prepare;

/// <summary>One image file's bytes → size x size x 3 uint8 (HWC), exactly as training saw it. Used by
/// Prepare for the data set and by Predict for new images, so both share one code path.</summary>
public static class Preprocessor
{
    public static byte[] Prepare(byte[] fileBytes, string name, PreprocessSpec spec) =>
        Resizer.Resize(ImageDecoder.Decode(fileBytes, name), spec.Size, spec.Interpolation);
}
