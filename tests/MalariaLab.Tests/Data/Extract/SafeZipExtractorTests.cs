using System.IO.Compression;
using MalariaLab.Foundation.Common;
using MalariaLab.Data.Extract;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Data.Extract;

public class SafeZipExtractorTests
{
    static string Zip(TempFolder temp, params (string Name, byte[] Data)[] entries)
    {
        string path = temp.File("test.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(data);
        }
        return path;
    }

    static void AssertRefused(string zip, string target, string expected, ZipLimits? limits = null)
    {
        var e = Assert.Throws<MalariaLabException>(() => SafeZipExtractor.Extract(zip, target, limits));
        Assert.Contains(expected, e.Message);
        Assert.False(Directory.Exists(target));
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetDirectoryName(target)!), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void Extracts_into_place_atomically()
    {
        using var temp = new TempFolder();
        string zip = Zip(temp, ("cell_images/Parasitized/a.png", [1, 2, 3]), ("cell_images/Uninfected/b.png", [4]));
        SafeZipExtractor.Extract(zip, temp.File("out/data"));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(temp.File("out/data/cell_images/Parasitized/a.png")));
        Assert.Single(Directory.GetDirectories(temp.File("out")));
    }

    [Fact]
    public void Zip_slip_entry_is_refused()
    {
        using var temp = new TempFolder();
        AssertRefused(Zip(temp, ("ok.png", [1]), ("../evil.txt", [1])), temp.File("out/data"), "'../evil.txt' contains '..' (zip-slip)");
        Assert.False(File.Exists(temp.File("out/evil.txt")));
    }

    [Fact]
    public void Absolute_path_entry_is_refused()
    {
        using var temp = new TempFolder();
        AssertRefused(Zip(temp, ("/etc/evil", [1])), temp.File("out/data"), "has an absolute path");
    }

    [Fact]
    public void Symbolic_link_entry_is_refused()
    {
        using var temp = new TempFolder();
        string path = temp.File("link.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            var entry = zip.CreateEntry("link");
            entry.ExternalAttributes = unchecked((int)(0xA1FFu << 16)); // S_IFLNK | 0777
            using var s = entry.Open();
            s.Write("/etc/passwd"u8);
        }
        AssertRefused(path, temp.File("out/data"), "is a symbolic link");
    }

    [Fact]
    public void Zip_bomb_is_stopped_by_the_size_cap_and_the_ratio_cap()
    {
        using var temp = new TempFolder();
        string zip = Zip(temp, ("zeros.bin", new byte[8 << 20]));
        AssertRefused(zip, temp.File("out/a"), "uncompressed size exceeds the limit of 1048576 bytes", new ZipLimits(MaxTotalBytes: 1 << 20));
        AssertRefused(zip, temp.File("out/b"), "expands more than 200x");
    }

    [Fact]
    public void Too_many_entries_are_refused()
    {
        using var temp = new TempFolder();
        string zip = Zip(temp, Enumerable.Range(0, 11).Select(i => ($"f{i}", new byte[] { 1 })).ToArray());
        AssertRefused(zip, temp.File("out/data"), "11 entries, more than the limit of 10", new ZipLimits(MaxEntries: 10));
    }

    [Fact]
    public void Truncated_zip_is_a_clear_error()
    {
        using var temp = new TempFolder();
        string zip = Zip(temp, ("a.png", new byte[5000]));
        var bytes = File.ReadAllBytes(zip);
        File.WriteAllBytes(zip, bytes[..(bytes.Length / 2)]);
        AssertRefused(zip, temp.File("out/data"), "not a readable zip");
    }
}
