using System.Text;
using MalariaLab.Data.Download;
using MalariaLab.Scoring.Evaluation;
using MalariaLab.Data.Extract;
using MalariaLab.RunCache;
using MalariaLab.Data.Indexing;
using MalariaLab.Data.Prepare;
using MalariaLab.Scoring.Reporting;
using MalariaLab.Data.Splitting;
using MalariaLab.Modelling.Training;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>The pipeline as data: every stage's own definition, in an order where each comes after its upstream
/// stages. The orchestrator walks it; Status and the DAG print read it.</summary>
public static class StageGraph
{
    public static readonly IReadOnlyList<StageDefinition> Stages = Checked(
    [
        DownloadStage.Definition, ExtractStage.Definition, IndexStage.Definition, SplitStage.Definition,
        PrepareStage.Definition, TrainStage.Definition, EvaluateStage.Definition, Publisher.Definition,
    ]);

    public static StageDefinition Get(string name) =>
        Stages.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no stage '{name}'", nameof(name));

    /// <summary>Every upstream of a stage must come before it and exist: the order is a topological one.</summary>
    static IReadOnlyList<StageDefinition> Checked(IReadOnlyList<StageDefinition> stages)
    {
        var seen = new HashSet<string>();
        foreach (var stage in stages)
        {
            var missing = stage.Upstream.FirstOrDefault(u => !seen.Contains(u));
            if (missing is not null) throw new InvalidOperationException($"stage {stage.Name}: upstream '{missing}' must come before it");
            if (!seen.Add(stage.Name)) throw new InvalidOperationException($"stage {stage.Name} is declared twice");
        }
        return stages;
    }

    /// <summary>The graph printed: each stage with its version, the spec keys it reads, its upstream stages and the
    /// files it writes.</summary>
    public static string Describe()
    {
        var text = new StringBuilder();
        foreach (var stage in Stages)
        {
            text.Append($"{stage.Name} (v{stage.Version}): {stage.Description}\n");
            if (stage.Upstream.Count > 0) text.Append($"    after:  {string.Join(", ", stage.Upstream)}\n");
            if (stage.SpecKeys.Count > 0) text.Append($"    reads:  {string.Join(", ", stage.SpecKeys.Select(k => k.Pattern.EndsWith('.') ? k.Pattern + "*" : k.Pattern))}\n");
            text.Append($"    writes: {string.Join(", ", stage.Outputs)}\n");
        }
        text.Append('\n');
        foreach (var stage in Stages)
            foreach (var upstream in stage.Upstream)
                text.Append($"  {upstream} ──► {stage.Name}\n");
        return text.ToString();
    }
}
