using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using MalariaLab.Foundation.Common;
using MalariaLab.Data.Download;
using MalariaLab.Data.Extract;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Security;

/// <summary>Data, archives and servers that are hostile or merely odd: each gives the right data or one clear line.</summary>
public class HostileDataTests
{
    static PipelineOptions Options(TempFolder temp, string source, params string[] sets) => new()
    {
        Artifacts = temp.File("artifacts"),
        Sets = [$"dataset.source={source}", "dataset.sha256=null", "dataset.patient_maps_source=null", .. sets],
    };

    static Orchestrator Pipeline(TempFolder temp, string source, CapturingLog log, params string[] sets)
    {
        var options = Options(temp, source, sets);
        return new Orchestrator(MalariaLab.Foundation.Specs.SpecLoader.Parse("name: t\nseed: 1\nsplit: {strategy: stratified}\n", "t.yaml", options.Sets), options, log);
    }

    [UnixFact]
    public void Links_leaving_the_source_are_refused_and_folder_links_are_not_walked()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 3, 3), ("P2", 3, 3)]);
        File.WriteAllBytes(temp.File("outside.png"), SyntheticData.Png(12, 10));
        File.CreateSymbolicLink(temp.File("data/Parasitized/P9_IMG_20150101_P_cell_1.png"), temp.File("outside.png"));
        File.CreateSymbolicLink(temp.File("data/Uninfected/P1_IMG_20150101_U_cell_9.png"), temp.File("data/Uninfected/P1_IMG_20150101_U_cell_0.png"));
        Directory.CreateSymbolicLink(temp.File("data/root"), "/");
        var log = new CapturingLog();
        var pipeline = Pipeline(temp, temp.File("data"), log);
        var clock = Stopwatch.StartNew();
        pipeline.Resolve("index");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "walked through the link to /?");
        var rows = pipeline.IndexRows();
        Assert.DoesNotContain(rows, r => r.Path.Contains("P9_"));
        Assert.Contains(rows, r => r.Path == "Uninfected/P1_IMG_20150101_U_cell_9.png"); // a link inside the source is data
        Assert.Contains($"warning: index: Parasitized/P9_IMG_20150101_P_cell_1.png: refused: a symbolic link to {temp.File("outside.png")}, outside the data folder", log.Text);
        Assert.Contains("warning: index: root is a symbolic link to a folder (/); not followed", log.Text);
        var skipped = Csv.ReadRecords(pipeline.OutputPath("index", "skipped.csv"), "path", "reason");
        Assert.Contains(skipped, s => s["path"] == "Parasitized/P9_IMG_20150101_P_cell_1.png" && s["reason"].StartsWith("refused: a symbolic link"));
    }

    static string Zip(string path, params (string Name, byte[] Data)[] entries)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            stream.Write(data);
        }
        return path;
    }

    [Fact]
    public void A_zip_entry_whose_bytes_do_not_match_its_crc_is_refused()
    {
        using var temp = new TempFolder();
        byte[] payload = Enumerable.Range(0, 4000).Select(i => (byte)(i * 31)).ToArray();
        string zip = Zip(temp.File("bad.zip"), ("cell_images/Parasitized/a.png", payload));
        var bytes = File.ReadAllBytes(zip);
        int at = bytes.AsSpan().IndexOf(payload.AsSpan(100, 32)); // inside the stored data
        bytes[at] ^= 0x40;
        File.WriteAllBytes(zip, bytes);
        var e = Assert.Throws<MalariaLabException>(() => SafeZipExtractor.Extract(zip, temp.File("out")));
        Assert.Contains("entry 'cell_images/Parasitized/a.png' fails its CRC-32 check", e.Message);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public void A_finder_zip_with_macosx_forks_indexes_and_says_what_it_ignored()
    {
        using var temp = new TempFolder();
        byte[] png = SyntheticData.Png(12, 10);
        var entries = new List<(string, byte[])>
        {
            ("__MACOSX/cell_images/Parasitized/._P1_IMG_1_cell_0.png", [0, 5, 22, 7]),
            ("__MACOSX/._cell_images", [0, 5, 22, 7]),
            ("cell_images/.DS_Store", [0, 0, 0, 1]),
            ("cell_images/Parasitized/._P1_IMG_1_cell_0.png", [0, 5, 22, 7]),
        };
        for (int i = 0; i < 3; i++)
        {
            entries.Add(($"cell_images/Parasitized/P{i}_IMG_1_cell_0.png", png));
            entries.Add(($"cell_images/Uninfected/P{i}_IMG_1_cell_1.png", png));
        }
        string zip = Zip(temp.File("finder.zip"), [.. entries]);
        var log = new CapturingLog();
        var pipeline = Pipeline(temp, zip, log);
        pipeline.Resolve("index");
        Assert.Equal(6, pipeline.IndexRows().Count);
        Assert.Contains("index: ignored __MACOSX/ (macOS metadata)", log.Text);
        var skipped = Csv.ReadRecords(pipeline.OutputPath("index", "skipped.csv"), "path", "reason");
        Assert.Equal([("Parasitized/._P1_IMG_1_cell_0.png", "ignored: operating-system metadata file")], skipped.Select(s => (s["path"], s["reason"])));
    }

    [Fact]
    public void Backslash_entries_become_folders_and_traversal_stays_refused()
    {
        using var temp = new TempFolder();
        byte[] png = SyntheticData.Png(12, 10);
        string zip = Zip(temp.File("win.zip"), ("cell_images\\Parasitized\\P1_IMG_1_cell_0.png", png), ("cell_images\\Uninfected\\P2_IMG_1_cell_0.png", png),
            ("cell_images\\Parasitized\\P3_IMG_1_cell_0.png", png), ("cell_images\\Uninfected\\P3_IMG_1_cell_1.png", png));
        SafeZipExtractor.Extract(zip, temp.File("out"));
        Assert.True(File.Exists(temp.File("out/cell_images/Parasitized/P1_IMG_1_cell_0.png")));
        string evil = Zip(temp.File("evil.zip"), ("a\\..\\..\\escape.png", png));
        Assert.Contains("contains '..' (zip-slip); refused", Assert.Throws<MalariaLabException>(() => SafeZipExtractor.Extract(evil, temp.File("out2"))).Message);
        Assert.False(File.Exists(temp.File("escape.png")));
    }

    [Fact]
    public void An_unknown_class_folder_is_warned_about()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 3, 3), ("P2", 3, 3)]);
        Directory.CreateDirectory(temp.File("data/Parasitised"));
        var log = new CapturingLog();
        Pipeline(temp, temp.File("data"), log).Resolve("index");
        Assert.Contains("warning: index: folder 'Parasitised/' beside the class folders is ignored (the classes are Parasitized/ and Uninfected/)", log.Text);
    }

    [Fact]
    public void A_server_that_accepts_and_never_answers_ends_in_an_error_naming_the_url()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var held = new List<TcpClient>();
        _ = Task.Run(async () => { try { while (true) held.Add(await listener.AcceptTcpClientAsync()); } catch (Exception) { } });
        string url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/cell_images.zip";
        using var temp = new TempFolder();
        var log = new CapturingLog();
        var fetcher = new Fetcher(new ContentCache(temp.File("cache")), log, settings: new HttpSettings { ReadTimeout = TimeSpan.FromSeconds(1), Attempts = 2 });
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<MalariaLabException>(() => fetcher.Fetch(new FetchRequest(url, "cell_images.zip", null)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal($"{url}: no answer within 1 s (2 attempts); run again to resume", e.Message);
        Assert.Contains("attempt 2 of 2", log.Text);
        listener.Stop();
    }

    [Fact]
    public void A_dropped_connection_is_resumed_within_one_fetch()
    {
        var payload = Enumerable.Range(0, 1_000_000).Select(i => (byte)(i * 13)).ToArray();
        using var server = new LocalHttpServer(payload) { CutAfterBytes = 300_000 };
        using var temp = new TempFolder();
        var result = new Fetcher(new ContentCache(temp.File("cache")), new CapturingLog()).Fetch(new FetchRequest(server.Url, "cell_images.zip", Hashing.Sha256Hex(payload)));
        Assert.Equal(payload, File.ReadAllBytes(result.Path));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public void A_url_without_a_pinned_hash_is_downloaded_once_for_every_later_stage_and_command()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data/cell_images"), [("P1", 4, 4), ("P2", 4, 4), ("P3", 4, 4)]);
        ZipFile.CreateFromDirectory(temp.File("data"), temp.File("set.zip"));
        using var server = new LocalHttpServer(File.ReadAllBytes(temp.File("set.zip")));
        Pipeline(temp, server.Url, new CapturingLog()).Resolve("prepare");
        Pipeline(temp, server.Url, new CapturingLog()).Resolve("split");
        var status = PipelineStatus.Of(Pipeline(temp, server.Url, new CapturingLog()));
        Assert.Equal(StageStatus.UpToDate, status.Single(s => s.Stage == "download").State);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public void Leftover_temp_files_of_a_killed_process_are_removed_by_the_next_run()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 3, 3), ("P2", 3, 3)]);
        Directory.CreateDirectory(temp.File("artifacts/index/0123"));
        string host = TempFiles.NameFor("x").Split('.')[2];
        string orphan = temp.File($"artifacts/index/0123/.index.csv.{host}.999999.{Guid.NewGuid():N}.tmp");
        string other = temp.File($"artifacts/index/0123/.index.csv.other-node.999999.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(orphan, "half");
        File.WriteAllText(other, "half");
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddMinutes(-1));
        File.SetLastWriteTimeUtc(other, DateTime.UtcNow.AddMinutes(-1)); // another host's, recent: may be alive
        var log = new CapturingLog();
        Pipeline(temp, temp.File("data"), log).Resolve("index");
        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(other));
        Assert.Contains("removed 1 temp file left by killed runs", log.Text);
    }

    [Fact]
    public void Predict_checks_its_output_before_predicting_and_names_the_users_path()
    {
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "predict", "--run=nothing-here", "--input=/nonexistent", "--output=/proc/forbidden/out.csv");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: /proc/forbidden/out.csv: cannot write there", output.Trim());
        Assert.DoesNotContain(".tmp", output);
    }

    [UnixFact]
    public void A_class_folder_that_links_outside_the_source_is_refused()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("elsewhere"), [("P1", 3, 3)]);
        SyntheticData.WriteFolder(temp.File("data"), [("P2", 0, 3)]);
        Directory.Delete(temp.File("data/Parasitized"), recursive: true);
        Directory.CreateSymbolicLink(temp.File("data/Parasitized"), temp.File("elsewhere/Parasitized"));
        var e = Assert.Throws<MalariaLabException>(() => Pipeline(temp, temp.File("data"), new CapturingLog()).Resolve("index"));
        Assert.Contains("class folder refused: a symbolic link to", e.Message);
        Assert.Contains("outside the data folder", e.Message);
    }

    [Fact]
    public void Predict_on_a_zip_with_a_corrupt_entry_gives_an_error_row_not_a_crash()
    {
        using var temp = new TempFolder();
        byte[] png = SyntheticData.Png(12, 10);
        string zip = Zip(temp.File("cells.zip"), ("a.png", png), ("b.png", png));
        var bytes = File.ReadAllBytes(zip);
        int at = bytes.AsSpan().IndexOf(png.AsSpan(20, 16));
        bytes[at] ^= 0xFF; // stored entry: wrong bytes, CRC mismatch when read
        File.WriteAllBytes(zip, bytes);
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "predict", "--run=nothing-here", $"--input={zip}");
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.Contains("error:", output); // the run reference fails first, cleanly; the reader itself is exercised below
        var read = typeof(MalariaLab.Workflows.Prediction.Predictor).GetMethod("Inputs", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var outcomes = new List<string>();
        foreach (var (path, readBytes) in (IEnumerable<(string Path, Func<byte[]> Read)>)read.Invoke(null, [zip])!)
        {
            try { outcomes.Add($"{path}: {readBytes().Length} bytes"); }
            catch (MalariaLabException e) { outcomes.Add($"{path}: {e.Message}"); }
        }
        Assert.Equal(2, outcomes.Count);
        Assert.Contains("corrupt zip entry", outcomes[0]); // the CRC check when the entry is read, as one error row
        Assert.EndsWith($"{png.Length} bytes", outcomes[1]);
    }
}
