using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Data.Splitting;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Pipeline;

public class StageSkipTests
{
    [Fact]
    public void Index_and_split_skip_when_inputs_are_unchanged_and_rerun_when_one_changes()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 3, 3), ("P2", 2, 4), ("P3", 4, 2)]);
        (string Hash, string Folder) Split(CapturingLog log, bool force = false, params string[] sets)
        {
            var options = new PipelineOptions { Artifacts = temp.File("artifacts"), Force = force, Sets = [$"dataset.source={temp.File("data")}", "dataset.sha256=null", "dataset.patient_maps_source=null", .. sets] };
            var spec = MalariaLab.Foundation.Specs.SpecLoader.Parse("name: t\nseed: 1\nsplit: {strategy: stratified}\n", "t.yaml", options.Sets);
            var pipeline = new Orchestrator(spec, options, log);
            var split = pipeline.Resolve("split")!;
            return (split.Value(SplitStage.Hash), Path.GetDirectoryName(pipeline.OutputPath("split", SplitStage.SplitCsv))!);
        }
        var first = Split(new CapturingLog());

        var again = new CapturingLog();
        var second = Split(again);
        Assert.Contains("index: up to date", again.Text);
        Assert.Contains("split: up to date", again.Text);
        Assert.Equal(first, second);

        var changed = new CapturingLog();
        var reseeded = Split(changed, false, "seed=2");
        Assert.Contains("index: up to date", changed.Text);
        Assert.DoesNotContain("split: up to date", changed.Text);
        Assert.NotEqual(first.Folder, reseeded.Folder);

        var forced = new CapturingLog();
        Split(forced, true);
        Assert.DoesNotContain("up to date", forced.Text);
    }
}
