using System.Diagnostics;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Reliability;

/// <summary>Crashes and concurrency: nothing half-written looks complete, and a rerun completes.</summary>
public class FaultTests
{
    [Fact]
    public void Concurrent_runs_never_share_a_run_folder()
    {
        using var temp = new TempFolder();
        var now = DateTimeOffset.UtcNow;
        var folders = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 16, _ => folders.Add(RunFolder.Create(temp.Path, now).Path));
        Assert.Equal(16, folders.Distinct().Count());
        Assert.Equal(folders.Order(StringComparer.Ordinal), Directory.GetDirectories(temp.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Atomic_write_leaves_the_old_file_when_the_writer_fails()
    {
        using var temp = new TempFolder();
        string path = temp.File("manifest.json");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.Write("half"u8); throw new InvalidOperationException("crash"); }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Corrupt_prepared_cache_is_detected_and_rebuilt()
    {
        using var temp = new TempFolder();
        var images = new MalariaLab.Data.Prepare.PreparedImages(2, 4, Enumerable.Range(0, 96).Select(i => (byte)i).ToArray());
        string path = temp.File("p.u8");
        MalariaLab.Data.Prepare.PreparedFile.Write(path, images);
        Assert.NotNull(MalariaLab.Data.Prepare.PreparedFile.TryRead(path, 2, 4, out _));
        var bytes = File.ReadAllBytes(path);
        bytes[30] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Null(MalariaLab.Data.Prepare.PreparedFile.TryRead(path, 2, 4, out var corrupt));
        Assert.Contains("fails its SHA-256 check", corrupt);
        File.WriteAllBytes(path, bytes[..50]);
        Assert.Null(MalariaLab.Data.Prepare.PreparedFile.TryRead(path, 2, 4, out var truncated));
        Assert.Contains("truncated", truncated);
    }

    [Fact]
    public void Kill_9_during_training_leaves_a_run_marked_running_and_a_rerun_completes()
    {
        using var temp = new TempFolder();
        string[] args = ["train", $"--dataset-source={TestPaths.SampleZip}", $"--mirror={TestPaths.SharedData}", $"--artifacts={temp.Path}",
            "--set=train.epochs=2", "--set=train.batch_size=32", "--set=train.threads=1"];
        using (var process = CliProcess.Start(args))
        {
            string? line;
            while ((line = process.StandardError.ReadLine()) is not null && !line.StartsWith("train: 2771 training")) { }
            Thread.Sleep(1500); // inside the first epoch
            process.Kill(entireProcessTree: true); // SIGKILL: no cleanup code runs
            process.WaitForExit();
        }
        string killed = MalariaLab.Foundation.Common.FolderLinks.Subfolders(temp.File("runs/seed-cnn")).Single();
        var manifest = RunManifest.Read(killed);
        Assert.Equal(RunStatus.Running, manifest.Status);   // never "complete" or "published"
        Assert.False(File.Exists(Path.Combine(killed, "weights", "best.bin")));
        Assert.Empty(Directory.GetFiles(killed, "*.tmp", SearchOption.AllDirectories));

        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, args);
        Assert.True(exit == 0, output);
        var rerun = MalariaLab.Foundation.Common.FolderLinks.Subfolders(temp.File("runs/seed-cnn")).Single(d => d != killed);
        Assert.Equal(RunStatus.Published, RunManifest.Read(rerun).Status);
    }

    [Fact]
    public void Kill_9_during_extract_leaves_no_data_folder_and_a_rerun_completes()
    {
        using var temp = new TempFolder();
        string[] args = ["extract", $"--dataset-source={TestPaths.SampleZip}", $"--artifacts={temp.Path}", $"--mirror={TestPaths.SharedData}"];
        using (var process = CliProcess.Start(args))
        {
            // Wait until the extraction temp folder appears, then kill.
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(30) &&
                   !(Directory.Exists(temp.File("data")) && Directory.GetDirectories(temp.File("data")).Any(d => Path.GetFileName(d).StartsWith('.'))))
                Thread.Sleep(10);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        Assert.DoesNotContain(Directory.GetDirectories(temp.File("data")), d => !Path.GetFileName(d).StartsWith('.')); // only the temp folder
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, args);
        Assert.True(exit == 0, output);
        string data = Directory.GetDirectories(temp.File("data")).Single(d => !Path.GetFileName(d).StartsWith('.'));
        Assert.Equal(3705, Directory.GetFiles(data, "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Concurrent_extractions_of_the_same_zip_both_succeed()
    {
        using var temp = new TempFolder();
        string zip = temp.File("a.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
            for (int i = 0; i < 200; i++)
            {
                using var s = archive.CreateEntry($"cell_images/Parasitized/c{i}.png").Open();
                s.Write(new byte[2000]);
            }
        Parallel.For(0, 4, _ => MalariaLab.Data.Extract.SafeZipExtractor.Extract(zip, temp.File("data/x")));
        Assert.Equal(200, Directory.GetFiles(temp.File("data/x"), "*", SearchOption.AllDirectories).Length);
        Assert.Single(Directory.GetDirectories(temp.File("data")));
    }

    [LinuxRootFact]
    public void Full_disk_gives_a_clear_error_and_leaves_no_partial_files()
    {
        using var temp = new TempFolder();
        string disk = temp.File("disk");
        Directory.CreateDirectory(disk);
        Assert.True(TryMountTmpfs(disk, "4m"), "mount -t tmpfs failed as root");
        try
        {
            var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "download", $"--dataset-source={TestPaths.SampleZip}", $"--artifacts={disk}");
            Assert.Equal(1, exit);
            Assert.Contains("error: No space left on device", output);
            Assert.Empty(Directory.GetFiles(disk, "*", SearchOption.AllDirectories)); // no temp, no half cache entry
        }
        finally
        {
            Run("umount", disk);
        }
    }

    static bool TryMountTmpfs(string path, string size) => Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path) == 0;

    static int Run(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    [Fact]
    public void Kill_9_during_download_resumes_from_the_partial_file()
    {
        var payload = Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 7 % 253)).ToArray();
        string sha = Hashing.Sha256Hex(payload);
        using var server = new LocalHttpServer(payload) { Throttle = TimeSpan.FromMilliseconds(20) };
        using var temp = new TempFolder();
        string[] args = ["download", $"--dataset-source={server.Url}", $"--dataset-sha256={sha}", $"--artifacts={temp.Path}", $"--mirror={TestPaths.SharedData}"];
        using (var process = CliProcess.Start(args))
        {
            var clock = Stopwatch.StartNew();
            string partial = temp.File("cache/partial");
            while (clock.Elapsed < TimeSpan.FromSeconds(30) &&
                   !(Directory.Exists(partial) && Directory.GetFiles(partial).Any(f => new FileInfo(f).Length > 500_000)))
                Thread.Sleep(20);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        Assert.False(File.Exists(temp.File($"cache/{sha}/cell_images.zip"))); // nothing half-downloaded looks cached
        server.Throttle = TimeSpan.Zero;
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, args);
        Assert.True(exit == 0, output);
        Assert.Contains("resuming at", output);
        Assert.Equal(payload, File.ReadAllBytes(temp.File($"cache/{sha}/cell_images.zip")));
    }

    [Fact]
    public void Kill_9_during_prepare_leaves_no_cache_that_passes_and_a_rerun_builds_it()
    {
        using var temp = new TempFolder();
        string[] args = ["prepare", $"--dataset-source={TestPaths.SampleZip}", $"--mirror={TestPaths.SharedData}", $"--artifacts={temp.Path}"];
        using (var process = CliProcess.Start(args))
        {
            string? line;
            while ((line = process.StandardError.ReadLine()) is not null && !line.StartsWith("index: /")) { }
            Thread.Sleep(300); // decoding images
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        Assert.False(Directory.Exists(temp.File("prepared")) && Directory.GetFiles(temp.File("prepared"), "*.u8").Length > 0);
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, args);
        Assert.True(exit == 0, output);
        Assert.Contains("prepare: 3,463 images at 48x48", output);
        var rerun = CliProcess.Run(TestPaths.RepoRoot, args);
        Assert.Contains("prepare: up to date", rerun.Output);
    }
}
