using System.IO.Compression;
using System.Security.Cryptography;
using MalariaLab.Data.Imaging;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Data.Imaging;

/// <summary>Decode + resize against Pillow 9.4 (Debian 12's python3-pil), the library Keras' load_img calls.
/// The expected bytes' SHA-256s were written by Pillow itself: tests/fixtures/pillow/make_fixtures.py.</summary>
public class PillowParityTests
{
    static string Fixtures => Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "pillow");

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    static IEnumerable<string[]> Rows(string file) =>
        File.ReadLines(Path.Combine(Fixtures, file)).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t'));

    [Fact]
    public void Synthetic_images_convert_and_resize_to_pillows_bytes()
    {
        var rows = Rows("synthetic.tsv").ToList();
        var mismatches = new List<string>();
        foreach (var row in rows)
        {
            var (file, size, method, expected) = (row[0], int.Parse(row[1]), row[2], row[3]);
            var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(Fixtures, "synthetic", file)), file);
            byte[] actual = size == 0 ? image.Pixels : Resizer.Resize(image, size, method);
            if (Sha256(actual) != expected) mismatches.Add($"{file} {method} {size}");
        }
        // 15 inputs (8 RGB noise, a gradient, L, LA, P, RGBA, 16-bit grey and RGB) x (convert + 3 sizes x 2 filters).
        Assert.Equal(15 * 7, rows.Count);
        Assert.Empty(mismatches);
    }

    [Fact]
    public void Every_distinct_sample_size_resizes_to_pillows_bytes_nearest_and_bilinear()
    {
        var rows = Rows("sample.tsv").ToList();
        using var zip = ZipFile.OpenRead(TestPaths.SampleZip);
        var mismatches = new List<string>();
        foreach (var row in rows)
        {
            using var stream = zip.GetEntry(row[0])!.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var image = ImageDecoder.Decode(buffer.ToArray(), row[0]);
            Assert.Equal((int.Parse(row[1]), int.Parse(row[2])), (image.Width, image.Height));
            if (Sha256(Resizer.Resize(image, 48, "nearest")) != row[3]) mismatches.Add($"{row[0]} nearest");
            if (Sha256(Resizer.Resize(image, 48, "bilinear")) != row[4]) mismatches.Add($"{row[0]} bilinear");
        }
        Assert.Equal(758, rows.Count);
        Assert.Empty(mismatches);
    }

    [Fact]
    public void A_tie_takes_the_column_pillows_running_sum_gives()
    {
        // 160 → 48: output column 25 is at exactly 85.0 in closed form; Pillow's accumulated coordinate is just
        // below it and takes column 84. The source holds its column index in R.
        var pixels = new byte[160 * 3];
        for (int x = 0; x < 160; x++) pixels[x * 3] = (byte)x;
        var resized = Resizer.Nearest(new RgbImage(160, 1, pixels), 48, 1);
        Assert.Equal(84, resized[25 * 3]);
        Assert.Equal(1, resized[0]);
        Assert.Equal(158, resized[47 * 3]);
    }
}
