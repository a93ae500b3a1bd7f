using MalariaLab.Data.Prepare;
using MalariaLab.Foundation.Common;
using MalariaLab.RunCache;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Pipeline;

namespace MalariaLab.Tests.Reliability;

/// <summary>A cached output is used only when it is what its lock recorded, and a lock that is not a complete one is
/// treated as missing.</summary>
[Collection(LibTorchCollection.Name)]
public class CacheTrustTests
{
    static Orchestrator Walk(TinyExperiment tiny, CapturingLog log, params string[] sets)
    {
        var options = tiny.Options(sets);
        return new Orchestrator(tiny.Spec(options), options, log);
    }

    /// <summary>The prepared cache of another interpolation, copied over this one's, is valid in itself (same shape, its
    /// own SHA-256 matches) but not what the lock recorded: it is rebuilt, never trained on.</summary>
    [Fact]
    public void A_valid_prepared_cache_of_other_pixels_is_rebuilt()
    {
        using var tiny = new TinyExperiment();
        var nearest = Walk(tiny, new CapturingLog());
        nearest.Resolve("prepare");
        byte[] expected = nearest.Prepared().Pixels;
        var bilinear = Walk(tiny, new CapturingLog(), "preprocess.interpolation=bilinear");
        bilinear.Resolve("prepare");
        Assert.NotEqual(expected, bilinear.Prepared().Pixels);
        File.Copy(bilinear.PreparedPath, nearest.PreparedPath, overwrite: true);

        var log = new CapturingLog();
        var again = Walk(tiny, log);
        again.Resolve("prepare");
        Assert.Contains("prepare: not reused: ", log.Text);
        Assert.Contains("holds other pixels than the lock recorded", log.Text);
        Assert.Equal(expected, again.Prepared().Pixels);
        Assert.Equal(expected, PreparedFile.TryRead(again.PreparedPath, again.IndexRows().Count, 16, out _)!.Pixels);
    }

    /// <summary>An image changed after indexing (same size and time, so the folder listing still matches) is refused by
    /// Prepare, naming it, instead of being cached under the old dataset fingerprint.</summary>
    [Fact]
    public void Prepare_refuses_an_image_whose_bytes_are_not_the_indexed_ones()
    {
        using var tiny = new TinyExperiment();
        var walk = Walk(tiny, new CapturingLog());
        walk.Resolve("index");
        var row = walk.IndexRows()[0];
        string path = Path.Combine(walk.DataRoot, row.Path);
        var time = File.GetLastWriteTimeUtc(path);
        var bytes = File.ReadAllBytes(path);
        bytes[^20] ^= 0x55;
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, time);

        var e = Assert.Throws<MalariaLabException>(() => Walk(tiny, new CapturingLog()).Resolve("prepare"));
        Assert.Contains(row.Path, e.Message);
        Assert.Contains("the index recorded", e.Message);
    }

    /// <summary>Two folder sources with the same listing (names, sizes, write times) but other bytes are two sources:
    /// the second is indexed from its own path, not served the first one's index.</summary>
    [Fact]
    public void Two_folders_with_the_same_listing_are_two_sources()
    {
        using var tiny = new TinyExperiment();
        var first = Walk(tiny, new CapturingLog());
        first.Resolve("index");
        // The same synthetic cells a shade bluer: other bytes, the same names and sizes, then the same write times.
        string copy = tiny.File("copy");
        SyntheticData.WriteFolder(copy, [("P1", 6, 6), ("P2", 5, 7), ("P3", 7, 5), ("P4", 6, 6)], blue: 121);
        foreach (var file in Directory.GetFiles(tiny.File("data"), "*", SearchOption.AllDirectories))
        {
            string twin = Path.Combine(copy, Path.GetRelativePath(tiny.File("data"), file));
            Assert.Equal(new FileInfo(file).Length, new FileInfo(twin).Length);
            Assert.NotEqual(File.ReadAllBytes(file), File.ReadAllBytes(twin));
            File.SetLastWriteTimeUtc(twin, File.GetLastWriteTimeUtc(file));
        }
        Assert.Equal(Directory.GetFiles(tiny.File("data"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tiny.File("data"), f)).Order(),
                     Directory.GetFiles(copy, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(copy, f)).Order());

        var second = Walk(tiny, new CapturingLog(), $"dataset.source={copy}");
        second.Resolve("index");
        Assert.Equal(Path.GetFullPath(copy), Path.GetFullPath(second.DataRoot));
        Assert.Equal(Path.GetFullPath(tiny.File("data")), Path.GetFullPath(first.DataRoot));
        var firstSha = first.IndexRows().Select(r => r.Sha256).ToHashSet();
        Assert.NotEmpty(second.IndexRows());
        Assert.All(second.IndexRows(), r => Assert.DoesNotContain(r.Sha256, firstSha));
    }

    [Theory]
    [InlineData("\"outputs\": null")]
    [InlineData("\"values\": null")]
    [InlineData("\"inputs\": null")]
    public void A_lock_with_null_in_place_of_a_map_is_not_a_lock(string replacement)
    {
        using var tiny = new TinyExperiment();
        Walk(tiny, new CapturingLog()).Resolve("split");
        string folder = tiny.File("artifacts/stages/split");
        string lockFile = Assert.Single(Directory.GetFiles(folder));
        string text = File.ReadAllText(lockFile);
        string key = replacement.Split(':')[0];
        int start = text.IndexOf(key, StringComparison.Ordinal);
        int open = text.IndexOf('{', start), depth = 0, end = open;
        for (; end < text.Length; end++)
        {
            if (text[end] == '{') depth++;
            if (text[end] == '}' && --depth == 0) break;
        }
        File.WriteAllText(lockFile, text[..start] + replacement + text[(end + 1)..]);
        Assert.Null(StageLock.TryParse(File.ReadAllText(lockFile)));

        var log = new CapturingLog();
        Walk(tiny, log).Resolve("split"); // no NullReferenceException: the split runs again
        Assert.DoesNotContain("split: up to date", log.Text);
        Assert.NotNull(StageLock.TryParse(File.ReadAllText(lockFile)));
    }
}
