using MalariaLab.Foundation.Specs;
using MalariaLab.RunCache;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.RunCache;

public class StageCacheTests
{
    static readonly StageDefinition Stage = new("demo", 1, "a demo stage", [SpecKeys.Seed], [], ["out.txt"]);

    [Fact]
    public void A_lock_read_back_from_disk_has_the_fingerprint_it_was_written_with()
    {
        using var temp = new TempFolder();
        var cache = new StageCache(new Workspace(temp.Path));
        File.WriteAllText(temp.File("dataset"), "a");
        File.WriteAllText(temp.File("False_x.csv"), "b");
        var (written, reused) = cache.RunOrReuse(Stage, new Dictionary<string, string> { ["seed"] = "1" }, false, _ => new StageResult(
            new Dictionary<string, LockedOutput> { ["dataset"] = StageCache.HashedFile(temp.File("dataset")), ["False_x.csv"] = StageCache.HashedFile(temp.File("False_x.csv")) }));
        Assert.False(reused);
        var (read, again) = cache.RunOrReuse(Stage, new Dictionary<string, string> { ["seed"] = "1" }, false, _ => throw new InvalidOperationException("must reuse"));
        Assert.True(again);
        Assert.Equal(written!.Fingerprint, read!.Fingerprint); // mixed-case names: ordinal order both times
        Assert.Equal("dataset", read.Outputs["dataset"].Path); // stored relative to the artifacts root
    }

    [Fact]
    public void Changed_inputs_a_modified_output_or_force_run_the_stage_again()
    {
        using var temp = new TempFolder();
        var cache = new StageCache(new Workspace(temp.Path));
        int runs = 0;
        StageResult Run(string _)
        {
            runs++;
            File.WriteAllText(temp.File("out.txt"), "x");
            return new StageResult(new Dictionary<string, LockedOutput> { ["out.txt"] = StageCache.HashedFile(temp.File("out.txt")) });
        }
        var one = new Dictionary<string, string> { ["seed"] = "1" };
        cache.RunOrReuse(Stage, one, false, Run);
        cache.RunOrReuse(Stage, one, false, Run);
        Assert.Equal(1, runs);
        cache.RunOrReuse(Stage, new Dictionary<string, string> { ["seed"] = "2" }, false, Run);
        Assert.Equal(2, runs);
        File.WriteAllText(temp.File("out.txt"), "edited");
        Assert.Null(cache.Lookup(Stage, StageLock.KeyOf(Stage, one), out string problem));
        Assert.StartsWith("output out.txt was modified", problem);
        cache.RunOrReuse(Stage, one, false, Run);
        cache.RunOrReuse(Stage, one, true, Run);
        Assert.Equal(4, runs);
    }

    [Fact]
    public void The_key_covers_the_stage_version()
    {
        var inputs = new Dictionary<string, string> { ["seed"] = "1" };
        Assert.NotEqual(StageLock.KeyOf(Stage, inputs), StageLock.KeyOf(Stage with { Version = 2 }, inputs));
    }
}
