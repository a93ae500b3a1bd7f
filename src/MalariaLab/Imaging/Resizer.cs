using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MalariaLab.Imaging;

/// <summary>Resizes RGB images to a square size the way Keras' load_img(target_size=...) does.</summary>
public static class Resizer
{
    public static byte[] Resize(RgbImage image, int size, string interpolation) => interpolation switch
    {
        "nearest" => Nearest(image, size, size),
        "bilinear" => Bilinear(image, size, size),
        _ => throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "expected nearest or bilinear"),
    };

    /// <summary>PIL's NEAREST: output pixel x samples source column floor((x + 0.5) * srcW / dstW).</summary>
    public static byte[] Nearest(RgbImage image, int width, int height)
    {
        var output = new byte[width * height * 3];
        double scaleX = (double)image.Width / width, scaleY = (double)image.Height / height;
        var columns = new int[width];
        for (int x = 0; x < width; x++) columns[x] = Math.Min((int)((x + 0.5) * scaleX), image.Width - 1);
        for (int y = 0; y < height; y++)
        {
            int sourceRow = Math.Min((int)((y + 0.5) * scaleY), image.Height - 1) * image.Width * 3;
            int outRow = y * width * 3;
            for (int x = 0; x < width; x++)
            {
                int s = sourceRow + columns[x] * 3, o = outRow + x * 3;
                output[o] = image.Pixels[s];
                output[o + 1] = image.Pixels[s + 1];
                output[o + 2] = image.Pixels[s + 2];
            }
        }
        return output;
    }

    /// <summary>Triangle filter widened when shrinking (as PIL's BILINEAR), via ImageSharp.</summary>
    public static byte[] Bilinear(RgbImage image, int width, int height)
    {
        using var img = Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height);
        img.Mutate(c => c.Resize(new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Stretch, Sampler = KnownResamplers.Triangle }));
        var output = new byte[width * height * 3];
        img.CopyPixelDataTo(output);
        return output;
    }
}
