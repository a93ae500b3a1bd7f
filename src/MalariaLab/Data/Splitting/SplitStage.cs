using MalariaLab.Foundation.Common;
using MalariaLab.RunCache;
using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Data.Splitting;

/// <summary>Split: split.csv from the index, the split section and the seed (pure, seeded); value: the split hash.</summary>
public static class SplitStage
{
    public const string SplitCsv = "split.csv", Hash = "split_hash";

    public static readonly StageDefinition Definition = new("split", 1,
        "Split deterministically by the spec's strategy and seed; write split.csv and its hash.",
        [SpecKeys.Seed, SpecKeys.Split.All], ["index"], ["splits/<key>/split.csv"])
    {
        Run = (c, key) => Run(IndexStage.Rows(c), c.Spec.Split, c.Spec.Seed, c.Workspace.SplitFolder(key), c.Log),
        OnReused = (c, found) => c.Log.Info($"split: up to date (split hash {found.Value(Hash)[..12]})"),
    };

    public static List<SplitRow> Rows(IStageContext c) => SplitFile.Read(c.Workspace.Absolute(c.Lock("split").Outputs[SplitCsv].Path));

    public static StageResult Run(IReadOnlyList<IndexRow> index, SplitSpec spec, long seed, string outputFolder, ILog log)
    {
        var rows = Splitter.Split(index, spec, seed);
        Directory.CreateDirectory(outputFolder);
        string path = Path.Combine(outputFolder, SplitCsv);
        AtomicFile.WriteAllText(path, SplitFile.ToCsv(rows));
        string hash = SplitFile.Hash(rows);
        foreach (var line in SplitFile.Summary(rows)) log.Info(line);
        log.Info($"split: {path} (split hash {hash[..12]})");
        return new StageResult(new Dictionary<string, LockedOutput> { [SplitCsv] = StageCache.HashedFile(path) },
            new Dictionary<string, string> { [Hash] = hash });
    }
}
