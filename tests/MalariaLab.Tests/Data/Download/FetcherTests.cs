using MalariaLab.Foundation.Common;
using MalariaLab.Data.Download;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Data.Download;

public class FetcherTests
{
    static byte[] Payload(int size) => Enumerable.Range(0, size).Select(i => (byte)(i * 31 % 251)).ToArray();

    [Fact]
    public void Downloads_verifies_and_caches_then_makes_no_second_request()
    {
        var payload = Payload(300_000);
        string sha = Hashing.Sha256Hex(payload);
        using var server = new LocalHttpServer(payload);
        using var temp = new TempFolder();
        var log = new CapturingLog();
        var fetcher = new Fetcher(new ContentCache(temp.File("cache")), log);

        var first = fetcher.Fetch(new FetchRequest(server.Url, "cell_images.zip", sha));
        Assert.Equal(payload, File.ReadAllBytes(first.Path));
        Assert.Equal(temp.File($"cache/{sha}/cell_images.zip"), first.Path);
        Assert.Equal(1, server.Requests);

        var second = fetcher.Fetch(new FetchRequest(server.Url, "cell_images.zip", sha));
        Assert.Equal(("cache", 1), (second.Origin, server.Requests));
        Assert.Contains("in cache", log.Text);
        Assert.Contains("no request made", log.Text);
    }

    [Fact]
    public void Cut_connection_is_resumed_with_a_range_request()
    {
        var payload = Payload(2_000_000);
        string sha = Hashing.Sha256Hex(payload);
        using var server = new LocalHttpServer(payload) { CutAfterBytes = 700_000 };
        using var temp = new TempFolder();
        // One attempt per fetch: the resume then happens in the next run, as after a killed process.
        var fetcher = new Fetcher(new ContentCache(temp.File("cache")), new CapturingLog(), settings: new HttpSettings { Attempts = 1 });

        var e = Assert.Throws<MalariaLabException>(() => fetcher.Fetch(new FetchRequest(server.Url, "cell_images.zip", sha)));
        Assert.Contains("run again to resume", e.Message);
        Assert.False(File.Exists(temp.File($"cache/{sha}/cell_images.zip")));

        var result = fetcher.Fetch(new FetchRequest(server.Url, "cell_images.zip", sha));
        Assert.Equal(payload, File.ReadAllBytes(result.Path));
        Assert.Null(server.RangeHeaders[0]);
        Assert.Matches(@"^bytes=\d+-$", server.RangeHeaders[1]);
        Assert.NotEqual("bytes=0-", server.RangeHeaders[1]);
    }

    [Fact]
    public void Server_without_range_support_restarts_from_zero()
    {
        var payload = Payload(1_500_000);
        string sha = Hashing.Sha256Hex(payload);
        using var server = new LocalHttpServer(payload) { CutAfterBytes = 500_000, SupportRanges = false };
        using var temp = new TempFolder();
        var fetcher = new Fetcher(new ContentCache(temp.File("cache")), new CapturingLog(), settings: new HttpSettings { Attempts = 1 });
        Assert.Throws<MalariaLabException>(() => fetcher.Fetch(new FetchRequest(server.Url, "x.zip", sha)));
        Assert.Equal(payload, File.ReadAllBytes(fetcher.Fetch(new FetchRequest(server.Url, "x.zip", sha)).Path));
    }

    [Theory]
    [InlineData(404, "HTTP 404")]
    [InlineData(500, "HTTP 500")]
    public void Http_errors_are_clear_and_cache_nothing(int status, string expected)
    {
        using var server = new LocalHttpServer(Payload(10)) { FailWithStatus = status };
        using var temp = new TempFolder();
        var fetcher = new Fetcher(new ContentCache(temp.File("cache")), new CapturingLog());
        var e = Assert.Throws<MalariaLabException>(() => fetcher.Fetch(new FetchRequest(server.Url, "x.zip", null)));
        Assert.Contains(expected, e.Message);
        Assert.Contains(server.Url, e.Message);
    }

    [Fact]
    public void Checksum_mismatch_names_expected_and_actual_and_deletes_the_temp_file()
    {
        var payload = Payload(1000);
        using var server = new LocalHttpServer(payload);
        using var temp = new TempFolder();
        var fetcher = new Fetcher(new ContentCache(temp.File("cache")), new CapturingLog());
        string wrong = new('a', 64);
        var e = Assert.Throws<MalariaLabException>(() => fetcher.Fetch(new FetchRequest(server.Url, "x.zip", wrong)));
        Assert.Contains($"expected {wrong}, actual {Hashing.Sha256Hex(payload)}", e.Message);
        Assert.Empty(Directory.GetFiles(temp.File("cache"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Local_file_and_file_url_are_copied_into_the_cache()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("local.zip"), Payload(5000));
        var fetcher = new Fetcher(new ContentCache(temp.File("cache")), new CapturingLog());
        var a = fetcher.Fetch(new FetchRequest(temp.File("local.zip"), "local.zip", null));
        var b = fetcher.Fetch(new FetchRequest(new Uri(temp.File("local.zip")).AbsoluteUri, "local.zip", a.Sha256));
        Assert.Equal(a.Path, b.Path);
        Assert.Equal(Hashing.Sha256Hex(Payload(5000)), a.Sha256);
    }

    [Fact]
    public void Mirror_copy_is_used_only_when_its_hash_matches()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("mirror/deep"));
        File.WriteAllBytes(temp.File("mirror/deep/list.csv"), Payload(100));
        var log = new CapturingLog();
        var fetcher = new Fetcher(new ContentCache(temp.File("cache")), log, mirror: temp.File("mirror"));
        var hit = fetcher.Fetch(new FetchRequest("https://unreachable.invalid/list.csv", "list.csv", Hashing.Sha256Hex(Payload(100))));
        Assert.StartsWith("mirror", hit.Origin);

        var e = Assert.Throws<MalariaLabException>(() => fetcher.Fetch(new FetchRequest("/nonexistent/list.csv", "list.csv", new string('b', 64))));
        Assert.Contains("not found", e.Message);
        Assert.Contains("not used", log.Text);
    }

    /// <summary>A mirror holding a link to / (or any folder) is not walked through it, and a FIFO named like the file is
    /// passed over (hashing it would wait forever).</summary>
    [UnixFact]
    public void The_mirror_search_does_not_follow_folder_links_or_read_fifos()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("mirror/deep"));
        File.WriteAllBytes(temp.File("mirror/deep/list.csv"), Payload(100));
        Directory.CreateSymbolicLink(temp.File("mirror/root"), "/");
        System.Diagnostics.Process.Start("mkfifo", [temp.File("mirror/list.csv")])!.WaitForExit();
        var fetcher = new Fetcher(new ContentCache(temp.File("cache")), new CapturingLog(), mirror: temp.File("mirror"));
        var task = Task.Run(() => fetcher.Fetch(new FetchRequest("https://unreachable.invalid/list.csv", "list.csv", Hashing.Sha256Hex(Payload(100)))));
        Assert.True(task.Wait(TimeSpan.FromSeconds(30)), "the mirror search is still running (walking / or reading a FIFO?)");
        Assert.Contains(temp.File("mirror/deep/list.csv"), task.Result.Origin);
    }
}
