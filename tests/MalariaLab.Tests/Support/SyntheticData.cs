using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MalariaLab.Tests.Support;

/// <summary>Small generated data sets laid out like the NIH zip (Parasitized/, Uninfected/, NIH-style names).</summary>
public static class SyntheticData
{
    /// <summary>Writes count images per (patient, class) as 12x10 PNGs; parasitized ones carry a dark spot. Images depend
    /// on class, index and <paramref name="blue"/> only: another data set that must not repeat these bytes passes another blue.</summary>
    public static void WriteFolder(string root, IEnumerable<(string Patient, int Parasitized, int Uninfected)> patients, byte blue = 120)
    {
        foreach (var (patient, parasitized, uninfected) in patients)
        {
            Write(root, "Parasitized", patient, parasitized, spot: true, blue);
            Write(root, "Uninfected", patient, uninfected, spot: false, blue);
        }
    }

    static void Write(string root, string label, string patient, int count, bool spot, byte blue)
    {
        Directory.CreateDirectory(Path.Combine(root, label));
        for (int i = 0; i < count; i++)
        {
            using var image = new Image<Rgb24>(12, 10, new Rgb24(200, (byte)(100 + i), blue));
            if (spot) image[5, 5] = new Rgb24(40, 0, 60);
            image.SaveAsPng(Path.Combine(root, label, $"{patient}_IMG_20150101_{label[0]}_cell_{i}.png"));
        }
    }

    public static byte[] Png(int width, int height, byte value = 128)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(value, value, value));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
