using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Foundation.Runs;

/// <summary>Run ids as the Runs and Compare tables print them resolve; latest is a link to the run's folder.</summary>
public class RunReferenceTests
{
    static string MakeRun(TempFolder temp, string experiment, string id)
    {
        string folder = temp.File($"runs/{experiment}/{id}");
        Directory.CreateDirectory(Path.Combine(folder, "weights"));
        File.WriteAllText(Path.Combine(folder, RunManifest.FileName), "{}");
        return folder;
    }

    [Fact]
    public void Ids_copied_from_tables_resolve_and_ambiguity_is_named()
    {
        using var temp = new TempFolder();
        string a = MakeRun(temp, "seed-cnn", "20261202-060415-01");
        MakeRun(temp, "other", "20261202-070000-01");
        MakeRun(temp, "seed-cnn", "20261202-070000-01");
        string runs = temp.File("runs");
        Assert.Equal(a, RunReference.ResolveOne("seed-cnn/20261202-060415-01", runs, "x").Path);
        Assert.Equal(a, RunReference.ResolveOne("20261202-060415-01", runs, "x").Path);
        var e = Assert.Throws<MalariaLabException>(() => RunReference.ResolveOne("20261202-070000-01", runs, "x"));
        Assert.Contains("run id of 2 experiments (other, seed-cnn); write NAME/20261202-070000-01", e.Message);
        e = Assert.Throws<MalariaLabException>(() => RunReference.ResolveOne("seed-cnn/20990101-000000-01", runs, "x"));
        Assert.Contains("no run 20990101-000000-01 of experiment 'seed-cnn'", e.Message);
        Assert.Throws<MalariaLabException>(() => RunReference.ResolveOne("seed-cnn/..", runs, "x"));

        // With a latest pointer to a newer run, NAME/RUN-ID still names its own run; NAME and NAME/latest the newer one.
        string newer = MakeRun(temp, "seed-cnn", "20261202-080000-01");
        LatestPointer.Write(temp.File("runs/seed-cnn/latest"), "20261202-080000-01");
        Assert.Equal(a, RunReference.ResolveOne("seed-cnn/20261202-060415-01", runs, "x").Path);
        Assert.Equal(newer, RunReference.ResolveOne("seed-cnn", runs, "x").Path);
        Assert.Equal(newer, RunReference.ResolveOne("seed-cnn/latest", runs, "x").Path);
        Assert.Equal(a, RunReference.ResolveOne("20261202-060415-01", runs, "x").Path);
    }

    [UnixFact]
    public void Latest_is_a_relative_link_replaced_atomically_and_old_text_pointers_still_read()
    {
        using var temp = new TempFolder();
        string first = MakeRun(temp, "seed-cnn", "20261202-060415-01");
        string second = MakeRun(temp, "seed-cnn", "20261202-070000-01");
        string pointer = temp.File("runs/seed-cnn/latest");
        File.WriteAllText(pointer, "20261202-060415-01\n"); // an earlier version's pointer
        Assert.Equal("20261202-060415-01", LatestPointer.Read(pointer));
        LatestPointer.Write(pointer, "20261202-060415-01");
        Assert.Equal("20261202-060415-01", new FileInfo(pointer).LinkTarget);
        LatestPointer.Write(pointer, "20261202-070000-01");
        Assert.Equal("20261202-070000-01", LatestPointer.Read(pointer));
        Assert.True(Directory.Exists(Path.Combine(pointer, "weights")));
        Assert.Equal(second, RunReference.ResolveOne("seed-cnn", temp.File("runs"), "x").Path);
        Assert.Equal([first, second], FolderLinks.Subfolders(temp.File("runs/seed-cnn")).Order());
        // Nothing else left beside them (no temp link).
        Assert.Equal(["20261202-060415-01", "20261202-070000-01", "latest"], Directory.GetFileSystemEntries(temp.File("runs/seed-cnn")).Select(Path.GetFileName).Order());
    }
}
