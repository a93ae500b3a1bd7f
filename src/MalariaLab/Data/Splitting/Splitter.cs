using MalariaLab.Foundation.Common;
using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Data.Splitting;

/// <summary>The split: a pure function of (index rows, split spec, seed) through the registered strategy. Rows come
/// back in path order.</summary>
public static class Splitter
{
    public static List<SplitRow> Split(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        if (rows.Count == 0) throw new MalariaLabException("split: the index is empty; nothing to split");
        return SplitStrategyRegistry.Get(spec.Strategy).Assign(rows, spec, seed).OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
    }

    public static SplitRow Row(IndexRow r, string subset, int fold = -1) => new(r.Path, r.Label, r.Patient, subset, fold);

    public static void CheckFractions(SplitSpec spec)
    {
        if (spec.Test + spec.Validation >= 1)
            throw new MalariaLabException($"split: validation ({spec.Validation}) + test ({spec.Test}) must be below 1 to leave a training set");
    }
}
