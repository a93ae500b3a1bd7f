using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Data.Splitting;

/// <summary>A split strategy: its spec name (split.strategy), what it does, and the assignment of every indexed
/// image to a subset (a pure function of the rows, the split section and the seed).</summary>
public sealed record SplitStrategy(string Name, string Description, Func<IReadOnlyList<IndexRow>, SplitSpec, long, IEnumerable<SplitRow>> Assign);
