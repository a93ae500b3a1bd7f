using MalariaLab.Foundation.Common;
using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Data.Splitting.Strategies;

/// <summary>Per class, a seeded order; the first round(test * n) are test, the next round(validation * n) validation.</summary>
public static class StratifiedSplit
{
    public static readonly SplitStrategy Strategy = new("stratified", "seeded per-class fractions", Assign);

    static IEnumerable<SplitRow> Assign(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        Splitter.CheckFractions(spec);
        foreach (var group in rows.GroupBy(r => r.Label))
        {
            var order = SeedSource.Shuffle(group, r => r.Path, seed, "split/stratified");
            int test = (int)Math.Round(spec.Test * order.Count, MidpointRounding.AwayFromZero);
            int validation = (int)Math.Round(spec.Validation * order.Count, MidpointRounding.AwayFromZero);
            for (int i = 0; i < order.Count; i++)
                yield return Splitter.Row(order[i], i < test ? Subsets.Test : i < test + validation ? Subsets.Validation : Subsets.Train);
        }
    }
}
