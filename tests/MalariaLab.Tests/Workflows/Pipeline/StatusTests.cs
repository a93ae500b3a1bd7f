using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Pipeline;

/// <summary>Status, as `dvc status`: missing before anything ran, up to date after Train, and a changed key makes
/// exactly the stages that read it (and those after them) stale, naming it.</summary>
[Collection(LibTorchCollection.Name)]
public class StatusTests
{
    static Dictionary<string, StageStatus> Status(TinyExperiment tiny, params string[] sets)
    {
        var options = tiny.Options(sets);
        return PipelineStatus.Of(new Orchestrator(tiny.Spec(options), options, new CapturingLog())).ToDictionary(s => s.Stage);
    }

    [Fact]
    public void Missing_then_up_to_date_then_stale_with_what_changed()
    {
        using var tiny = new TinyExperiment();
        var before = Status(tiny);
        Assert.Equal(StageGraph.Stages.Select(s => s.Name), before.Keys);
        Assert.All(before.Values, s => Assert.Equal(StageStatus.Missing, s.State));
        Assert.False(Directory.Exists(tiny.File("artifacts/cache")) || Directory.Exists(tiny.File("artifacts/index")));

        var options = tiny.Options();
        new Orchestrator(tiny.Spec(options), options, new CapturingLog()).TrainEvaluatePublish();
        Assert.All(Status(tiny).Values, s => Assert.True(s.State == StageStatus.UpToDate, $"{s.Stage}: {s.State} {string.Join("; ", s.Changes)}"));

        var changed = Status(tiny, "train.lr=0.001");
        foreach (var stage in new[] { "download", "extract", "index", "split", "prepare" })
            Assert.Equal(StageStatus.UpToDate, changed[stage].State);
        Assert.Equal(StageStatus.Stale, changed["train"].State);
        Assert.Equal(["train.lr: 0.0001 → 0.001"], changed["train"].Changes);
        Assert.Equal(StageStatus.Stale, changed["evaluate"].State);
        Assert.Contains("upstream train is stale", changed["evaluate"].Changes);
        Assert.Equal(StageStatus.Stale, changed["publish"].State);

        var resplit = Status(tiny, "split.validation=0.5");
        Assert.Equal(StageStatus.UpToDate, resplit["prepare"].State);
        Assert.Equal(["split.validation: 0.25 → 0.5"], resplit["split"].Changes);
        Assert.Equal(["upstream split is stale"], resplit["train"].Changes); // train reads the split, not the split keys

        // Train keys on what it reads: a new description changes nothing; a new threshold re-runs evaluate and publish only.
        Assert.All(Status(tiny, "description=x").Values, s => Assert.True(s.State == StageStatus.UpToDate, $"{s.Stage}: {s.State} {string.Join("; ", s.Changes)}"));
        var threshold = Status(tiny, "evaluate.threshold=0.3");
        foreach (var stage in new[] { "download", "extract", "index", "split", "prepare", "train" })
            Assert.Equal(StageStatus.UpToDate, threshold[stage].State);
        Assert.Equal(["evaluate.threshold: 0.5 → 0.3"], threshold["evaluate"].Changes);
        Assert.Equal(StageStatus.Stale, threshold["publish"].State);
    }

    [Fact]
    public void A_new_threshold_on_a_published_run_is_evaluated_into_a_new_folder_without_retraining()
    {
        using var tiny = new TinyExperiment();
        var options = tiny.Options();
        var run = new Orchestrator(tiny.Spec(options), options, new CapturingLog()).TrainEvaluatePublish();
        var sealedManifest = File.ReadAllBytes(run.File("manifest.json"));

        var changed = tiny.Options("evaluate.threshold=0.3");
        var log = new CapturingLog();
        var again = new Orchestrator(tiny.Spec(changed), changed, log).TrainEvaluatePublish();
        Assert.Equal(run.Path, again.Path);
        Assert.Contains("already answers this spec", log.Text);
        var evaluation = Assert.Single(Directory.GetDirectories(run.File("evaluations")));
        Assert.EndsWith("-t0.3", evaluation);
        Assert.Contains("\"threshold\": 0.3", File.ReadAllText(Path.Combine(evaluation, "evaluation.json")));
        Assert.Equal(sealedManifest, File.ReadAllBytes(run.File("manifest.json"))); // the sealed run is untouched
        Assert.All(Status(tiny, "evaluate.threshold=0.3").Values, s => Assert.Equal(StageStatus.UpToDate, s.State));
    }

    [Fact]
    public void A_deleted_output_makes_its_stage_stale_and_a_rerun_rebuilds_only_it()
    {
        using var tiny = new TinyExperiment();
        var options = tiny.Options();
        var orchestrator = new Orchestrator(tiny.Spec(options), options, new CapturingLog());
        orchestrator.Resolve("split");
        string splitCsv = orchestrator.OutputPath("split", MalariaLab.Data.Splitting.SplitStage.SplitCsv);
        File.AppendAllText(splitCsv, "x");
        var status = Status(tiny);
        Assert.Equal(StageStatus.UpToDate, status["index"].State);
        Assert.Equal(StageStatus.Stale, status["split"].State);
        Assert.Contains("output split.csv was modified", Assert.Single(status["split"].Changes));

        var log = new CapturingLog();
        new Orchestrator(tiny.Spec(options), options, log).Resolve("split");
        Assert.Contains("index: up to date", log.Text);
        Assert.DoesNotContain("split: up to date", log.Text);
        Assert.Equal(StageStatus.UpToDate, Status(tiny)["split"].State);
    }

    [Fact]
    public void Status_json_and_the_dag_come_from_the_graph()
    {
        using var tiny = new TinyExperiment();
        var options = tiny.Options();
        string json = PipelineStatus.ToJson(PipelineStatus.Of(new Orchestrator(tiny.Spec(options), options, new CapturingLog())));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("download", document.RootElement[0].GetProperty("stage").GetString());
        Assert.Equal("missing", document.RootElement[0].GetProperty("state").GetString());
        string dag = StageGraph.Describe();
        foreach (var stage in StageGraph.Stages) Assert.Contains($"{stage.Name} (v{stage.Version}):", dag);
        Assert.Contains("split ──► train", dag);
        Assert.Contains("reads:  seed, split.*", dag);
    }

    [Fact]
    public void A_retrained_run_with_the_same_results_is_evaluated_and_published_too()
    {
        // Regression: evaluate and publish were keyed by their upstream's content only, so a second run whose results
        // equal the first's (same weights: a retrain after a code change that does not alter training) reused the first
        // run's publish lock and was left unpublished.
        using var tiny = new TinyExperiment();
        var options = tiny.Options();
        var first = new Orchestrator(tiny.Spec(options), options, new CapturingLog()).TrainEvaluatePublish();
        var retrain = new RunSettings(Rerun: new HashSet<string> { "train" });
        var second = new Orchestrator(tiny.Spec(options), options, new CapturingLog(), retrain).TrainEvaluatePublish();
        Assert.NotEqual(first.Path, second.Path);
        Assert.Equal(File.ReadAllBytes(first.File("weights/best.bin")), File.ReadAllBytes(second.File("weights/best.bin")));
        Assert.Equal(MalariaLab.Foundation.Runs.RunStatus.Published, MalariaLab.Foundation.Runs.RunManifest.Read(second.Path).Status);
        Assert.All(Status(tiny).Values, s => Assert.True(s.State == StageStatus.UpToDate, $"{s.Stage}: {s.State} {string.Join("; ", s.Changes)}"));
    }
}
