using System.Diagnostics;
using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Prediction;

namespace MalariaLab.Tests.Security;

/// <summary>Files that are not regular files: only regular files are read (with a bound), and outputs never replace a
/// special file or a link with a regular file.</summary>
[Collection(LibTorchCollection.Name)]
public class SpecialFileTests(TinyRun tiny) : IClassFixture<TinyRun>
{
    static void MakeFifo(string path) => Process.Start("mkfifo", [path])!.WaitForExit();

    /// <summary>Runs <paramref name="action"/> with a deadline: a hang is a failure, not a stuck suite.</summary>
    static T WithinSeconds<T>(int seconds, Func<T> action)
    {
        var task = Task.Run(action);
        Assert.True(task.Wait(TimeSpan.FromSeconds(seconds)), $"still running after {seconds} s (blocked on a FIFO or a device?)");
        return task.Result;
    }

    [UnixFact]
    public void The_kind_of_a_path_is_read_through_links()
    {
        using var temp = new TempFolder();
        MakeFifo(temp.File("pipe"));
        File.WriteAllText(temp.File("file"), "x");
        File.CreateSymbolicLink(temp.File("zero.png"), "/dev/zero");
        File.CreateSymbolicLink(temp.File("nowhere"), temp.File("missing"));
        Assert.Equal(FileKind.Fifo, FileKinds.Of(temp.File("pipe")));
        Assert.Equal(FileKind.Regular, FileKinds.Of(temp.File("file")));
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of(temp.File("zero.png")));
        Assert.Equal(FileKind.Directory, FileKinds.Of(temp.Path));
        Assert.Equal(FileKind.Missing, FileKinds.Of(temp.File("nowhere")));
    }

    [UnixFact]
    public void Index_skips_a_fifo_named_like_an_image_instead_of_hanging()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 3, 3)]);
        MakeFifo(temp.File("data/Parasitized/P1_IMG_1_cell_99.png"));
        File.CreateSymbolicLink(temp.File("data/Uninfected/P1_IMG_1_cell_98.png"), "/dev/zero");
        var result = WithinSeconds(60, () => DatasetIndexer.Build(temp.File("data"), "none", null, null, new CapturingLog()));
        Assert.Equal(6, result.Rows.Count);
        var fifo = Assert.Single(result.Skipped, s => s.Path == "Parasitized/P1_IMG_1_cell_99.png");
        Assert.Equal(SkipCode.NotRegular, fifo.Code);
        Assert.Contains("a FIFO", fifo.Reason);
    }

    [UnixFact]
    public void Predict_gives_error_rows_for_a_fifo_and_a_link_to_dev_zero_and_predicts_the_rest()
    {
        using var input = new TempFolder();
        File.WriteAllBytes(input.File("good.png"), SyntheticData.Png(12, 10));
        MakeFifo(input.File("pipe.png"));
        File.CreateSymbolicLink(input.File("zero.png"), "/dev/zero");
        var results = WithinSeconds(120, () => Predictor.Predict(tiny.Run, input.Path, new CapturingLog()));
        Assert.Equal(["good.png", "pipe.png", "zero.png"], results.Select(r => Path.GetFileName(r.Path)));
        Assert.NotNull(results[0].ProbabilityParasitized);
        Assert.Contains("must be a regular file; this is a FIFO", results[1].Error);
        Assert.Contains("must be a regular file; this is a character device", results[2].Error);
    }

    [UnixFact]
    public void A_spec_or_a_summary_that_is_a_device_is_refused_naming_it()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.LoadFile("/dev/zero"));
        Assert.Contains("/dev/zero: an experiment spec must be a regular file; this is a character device", e.Message);
        var summary = Assert.Throws<MalariaLabException>(() => MalariaLab.Workflows.Pipeline.CvSummary.Read("/dev/zero"));
        Assert.Contains("must be a regular file", summary.Message);
    }

    [UnixFact]
    public void Output_to_a_fifo_or_a_device_is_written_in_place_a_link_is_followed_and_read_only_is_refused()
    {
        using var temp = new TempFolder();
        // FIFO: its reader gets the bytes; the FIFO stays a FIFO.
        MakeFifo(temp.File("out.fifo"));
        var reader = Task.Run(() => File.ReadAllText(temp.File("out.fifo")));
        WithinSeconds(30, () => { OutputFile.WriteAllText(temp.File("out.fifo"), "a,b\n"); return 0; });
        Assert.True(reader.Wait(TimeSpan.FromSeconds(30)));
        Assert.Equal("a,b\n", reader.Result);
        Assert.Equal(FileKind.Fifo, FileKinds.Of(temp.File("out.fifo")));

        // A device (as root, renaming over /dev/null would replace the system's /dev/null with a file).
        OutputFile.WriteAllText("/dev/null", "x\n");
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of("/dev/null"));

        // A link: followed, its target replaced, the link kept.
        File.WriteAllText(temp.File("target.csv"), "old");
        File.CreateSymbolicLink(temp.File("link.csv"), temp.File("target.csv"));
        OutputFile.WriteAllText(temp.File("link.csv"), "new");
        Assert.Equal("new", File.ReadAllText(temp.File("target.csv")));
        Assert.NotNull(new FileInfo(temp.File("link.csv")).LinkTarget);

        // Read-only: refused, untouched (also as root, who could write it).
        File.WriteAllText(temp.File("locked.csv"), "keep");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp.File("locked.csv"), UnixFileMode.UserRead);
        var e = Assert.Throws<MalariaLabException>(() => OutputFile.WriteAllText(temp.File("locked.csv"), "new"));
        Assert.Contains("is read-only", e.Message);
        Assert.Equal("keep", File.ReadAllText(temp.File("locked.csv")));
    }
}
