using MalariaLab.Data.Indexing;
using MalariaLab.Data.Splitting;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>Labelled data scored as "test" must be data the run never saw: no patient it trained or validated on
/// (patients come from file names) and no image byte-identical to one of those (a renamed copy passes the patient check).
/// Evaluate --input refuses such data, as Ensemble --input does; with <c>allowOverlap</c> (Evaluate --allow-overlap) it
/// is scored anyway and what overlaps is returned, for the evaluation page to say in red.</summary>
public static class SeenData
{
    public static string? Check(RunFolder run, ExperimentSpec spec, IReadOnlyList<IndexRow> scored, PipelineOptions options, ILog log, string what,
        bool allowOverlap = false)
    {
        var found = new List<string>();
        void Found(string problem)
        {
            if (!allowOverlap) throw new MalariaLabException($"{what}: {problem}; scores on it would not be test scores (use --subset for the run's own split, or --allow-overlap to score it anyway)");
            log.Warn($"{what}: {problem}; scored anyway (--allow-overlap)");
            found.Add(problem);
        }

        var seenRows = SplitFile.Read(run.File("split.csv")).Where(r => r.Subset is Subsets.Train or Subsets.Validation).ToList();
        var seenPatients = seenRows.Select(r => r.Patient).ToHashSet(StringComparer.Ordinal);
        var overlap = scored.Where(r => seenPatients.Contains(r.Patient)).Select(r => r.Patient).Distinct().Order(StringComparer.Ordinal).ToList();
        if (overlap.Count > 0)
            Found($"patient {overlap[0]}{(overlap.Count > 1 ? $" (and {overlap.Count - 1} more)" : "")} is one the run {run.Id} trained or validated on");
        var own = new Orchestrator(spec, options with { Force = false }, log);
        own.Resolve("index");
        var seenPaths = seenRows.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        var seen = own.IndexRows().Where(r => seenPaths.Contains(r.Path)).GroupBy(r => r.Sha256).ToDictionary(g => g.Key, g => g.First().Path);
        var copies = scored.Where(r => seen.ContainsKey(r.Sha256)).ToList();
        if (copies.Count > 0)
            Found($"{Plural.Of(copies.Count, "image")} identical, byte for byte, to the run's training or validation images (e.g. {copies[0].Path} = {seen[copies[0].Sha256]})");
        return found.Count == 0 ? null
            : $"scored with --allow-overlap: {string.Join("; ", found)}. These are not test scores: the run has seen these patients or images.";
    }
}
