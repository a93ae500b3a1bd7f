using System.Diagnostics;
using System.IO.Compression;
using MalariaLab.Foundation.Common;
using MalariaLab.Data.Extract;
using MalariaLab.Data.Imaging;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Reliability;

/// <summary>Bounded fuzzing (fixed seed, fixed count): mutated real PNGs and a mutated small zip never crash
/// or hang the decoder or the extractor; every failure is a MalariaLabException with a message.</summary>
public class FuzzTests
{
    const int Seed = 20261125;

    static List<byte[]> SamplePngs(int count)
    {
        using var zip = ZipFile.OpenRead(TestPaths.SampleZip);
        return zip.Entries.Where(e => e.FullName.EndsWith(".png")).Take(count).Select(e =>
        {
            using var s = e.Open();
            var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }).ToList();
    }

    /// <summary>Bit flips, byte overwrites, truncation, duplication of a slice or a random insertion.</summary>
    static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = input.ToList();
        switch (random.Next(5))
        {
            case 0: for (int i = 0; i < 1 + random.Next(8); i++) { int at = random.Next(bytes.Count); bytes[at] ^= (byte)(1 << random.Next(8)); } break;
            case 1: for (int i = 0; i < 1 + random.Next(16); i++) bytes[random.Next(bytes.Count)] = (byte)random.Next(256); break;
            case 2: { int keep = random.Next(bytes.Count); bytes.RemoveRange(keep, bytes.Count - keep); } break;
            case 3: { int at = random.Next(bytes.Count); int len = Math.Min(random.Next(64), bytes.Count - at); bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, len)); } break;
            default: bytes.InsertRange(random.Next(bytes.Count), Enumerable.Range(0, random.Next(32)).Select(_ => (byte)random.Next(256))); break;
        }
        return bytes.ToArray();
    }

    [Fact]
    public void Mutated_pngs_decode_or_fail_cleanly()
    {
        var random = new Random(Seed); // test-only randomness: a fixed seed makes every CI run the same cases
        var pngs = SamplePngs(20);
        var clock = Stopwatch.StartNew();
        int failures = 0;
        for (int i = 0; i < 600; i++)
        {
            var mutated = Mutate(pngs[i % pngs.Count], random);
            try
            {
                var image = ImageDecoder.Decode(mutated, $"fuzz{i}.png");
                Assert.Equal(image.Width * image.Height * 3, image.Pixels.Length);
            }
            catch (MalariaLabException e)
            {
                failures++;
                Assert.StartsWith($"fuzz{i}.png: ", e.Message);
            }
        }
        Assert.InRange(failures, 1, 600);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Mutated_zips_extract_or_fail_cleanly()
    {
        using var temp = new TempFolder();
        var original = new MemoryStream();
        using (var zip = new ZipArchive(original, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (png, i) in SamplePngs(4).Select((p, i) => (p, i)))
            {
                using var s = zip.CreateEntry($"cell_images/Parasitized/c{i}.png").Open();
                s.Write(png);
            }
        var bytes = original.ToArray();
        var random = new Random(Seed);
        for (int i = 0; i < 150; i++)
        {
            string path = temp.File($"fuzz{i}.zip");
            File.WriteAllBytes(path, Mutate(bytes, random));
            string target = temp.File($"out{i}");
            try
            {
                SafeZipExtractor.Extract(path, target, new ZipLimits(MaxTotalBytes: 10 << 20, MaxEntries: 100));
                Assert.True(Directory.Exists(target));
            }
            catch (MalariaLabException e)
            {
                Assert.Contains(path, e.Message);
                Assert.False(Directory.Exists(target)); // nothing half-extracted looks complete
            }
        }
        Assert.DoesNotContain(Directory.GetDirectories(temp.Path), d => Path.GetFileName(d).StartsWith('.'));
    }
}
