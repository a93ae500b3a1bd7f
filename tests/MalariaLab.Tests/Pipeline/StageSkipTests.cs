using MalariaLab.Common;
using MalariaLab.Pipeline;
using MalariaLab.Specs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Pipeline;

public class StageSkipTests
{
    [Fact]
    public void Index_and_split_skip_when_inputs_are_unchanged_and_rerun_when_one_changes()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 3, 3), ("P2", 2, 4), ("P3", 4, 2)]);
        DataPipeline Pipeline(CapturingLog log, params string[] sets)
        {
            var options = new PipelineOptions { Artifacts = temp.File("artifacts"), Sets = [$"dataset.source={temp.File("data")}", "dataset.sha256=null", "dataset.patient_maps_source=null", .. sets] };
            return new DataPipeline(SpecLoader.Parse("name: t\nseed: 1\nsplit: {strategy: stratified}\n", "t.yaml", options.Overrides()), options, log);
        }
        var first = Pipeline(new CapturingLog()).Split();

        var again = new CapturingLog();
        var second = Pipeline(again).Split();
        Assert.Contains("index: unchanged inputs, reusing", again.Text);
        Assert.Contains("split: unchanged inputs, reusing", again.Text);
        Assert.Equal(first.Hash, second.Hash);

        var changed = new CapturingLog();
        var reseeded = Pipeline(changed, "seed=2").Split();
        Assert.Contains("index: unchanged inputs, reusing", changed.Text);
        Assert.DoesNotContain("split: unchanged inputs", changed.Text);
        Assert.NotEqual(first.Folder, reseeded.Folder);

        var forced = new CapturingLog();
        var options = new PipelineOptions { Artifacts = temp.File("artifacts"), Force = true, Sets = [$"dataset.source={temp.File("data")}", "dataset.sha256=null", "dataset.patient_maps_source=null"] };
        new DataPipeline(SpecLoader.Parse("name: t\nseed: 1\nsplit: {strategy: stratified}\n", "t.yaml", options.Overrides()), options, forced).Split();
        Assert.DoesNotContain("unchanged inputs", forced.Text);
    }
}
