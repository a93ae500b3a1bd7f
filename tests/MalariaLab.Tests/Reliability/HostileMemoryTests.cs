using System.Diagnostics;
using System.IO.Compression;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Reliability;

/// <summary>Peak memory (the process's maximum resident set, as the kernel counts it) of Predict and Index on files
/// that decode to gigabytes when every frame is decoded or the header is trusted: a 2,000-frame GIF (before: OOM
/// killed; 40 frames took 2.1 GB), a 40-page TIFF and a 16-bit 9999² PNG with real pixel data (before: 2-3 GB). Each
/// is measured against the same command on an ordinary cell, in a fresh process.</summary>
[Collection(LibTorchCollection.Name)]
public class HostileMemoryTests : IClassFixture<TinyRun>
{
    /// <summary>More than the process needs for itself plus one bounded decode (256 MiB), far less than the gigabytes.</summary>
    const long AllowedAboveBaselineKb = 400 << 10;

    readonly TinyRun _tiny;

    public HostileMemoryTests(TinyRun tiny) => _tiny = tiny;

    static IEnumerable<(string Name, byte[] Bytes)> Hostile() =>
    [
        ("frames.gif", HostileImages.ManyFrameGif(2000)),
        ("pages.tif", HostileImages.ManyPageTiff(40)),
        ("big16.png", Real16BitPng(9999)),
    ];

    [LinuxFact]
    public void Predict_stays_bounded_on_hostile_images()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("cell.png"), SyntheticData.Png(40, 40));
        long baseline = PeakRssKb(out _, "predict", $"--run={_tiny.Run.Path}", $"--input={temp.File("cell.png")}");
        foreach (var (name, bytes) in Hostile())
        {
            File.WriteAllBytes(temp.File(name), bytes);
            long peak = PeakRssKb(out string output, "predict", $"--run={_tiny.Run.Path}", $"--input={temp.File(name)}");
            Assert.True(peak < baseline + AllowedAboveBaselineKb, $"{name}: peak RSS {peak / 1024} MiB, an ordinary cell {baseline / 1024} MiB\n{output}");
        }
    }

    /// <summary>Index decodes one image per core at once: the hostile files, named .png, sit among ordinary cells.</summary>
    [LinuxFact]
    public void Index_stays_bounded_on_hostile_images()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 3, 3)]);
        long baseline = PeakRssKb(out _, "index", $"--dataset-source={temp.File("data")}", $"--artifacts={temp.File("a0")}", "--set=dataset.patient_maps_source=null", "--set=dataset.corrections=none");
        int n = 0;
        foreach (var (name, bytes) in Hostile())
            File.WriteAllBytes(Path.Combine(temp.File("data"), n++ % 2 == 0 ? "Parasitized" : "Uninfected", $"P2_IMG_20150101_{name}.png"), bytes);
        long peak = PeakRssKb(out string output, "index", $"--dataset-source={temp.File("data")}", $"--artifacts={temp.File("a1")}", "--set=dataset.patient_maps_source=null", "--set=dataset.corrections=none");
        Assert.True(peak < baseline + AllowedAboveBaselineKb, $"index: peak RSS {peak / 1024} MiB, ordinary cells {baseline / 1024} MiB\n{output}");
        string skipped = File.ReadAllText(Directory.GetFiles(temp.File("a1"), "skipped.csv", SearchOption.AllDirectories).Single());
        Assert.Contains("big16.png", skipped);
    }

    /// <summary>A real 16-bit RGBA PNG of side² black pixels: zero rows deflate to about 0.8 MB.</summary>
    static byte[] Real16BitPng(int side)
    {
        var ihdr = HostileImages.Big16BitPng(side)[8..33]; // the IHDR chunk
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[1 + side * 8];
            for (int y = 0; y < side; y++) z.Write(row);
        }
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. ihdr, .. HostileImages.Chunk("IDAT", idat.ToArray()), .. HostileImages.Chunk("IEND", [])];
    }

    /// <summary>Runs the CLI under a fresh python3 whose only child it is: RUSAGE_CHILDREN's ru_maxrss is then the CLI's
    /// own peak resident set (KiB), as the kernel recorded it.</summary>
    static long PeakRssKb(out string output, params string[] args)
    {
        var start = new ProcessStartInfo("python3") { WorkingDirectory = TestPaths.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import resource, subprocess, sys\n" +
                               "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n" +
                               "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(TestPaths.CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string[] result = process.StandardOutput.ReadToEnd().Trim().Split(' ');
        process.WaitForExit();
        output = stderr.Result;
        // 0, or 4 when an input was unreadable (the refused 16-bit PNG): either way a clean end, not a kill.
        Assert.True(result.Length == 2 && result[0] is "0" or "4", $"{string.Join(' ', args)}: {string.Join(' ', result)}\n{output}");
        return long.Parse(result[1]);
    }
}
