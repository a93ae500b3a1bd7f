using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Data.Splitting;

/// <summary>A split strategy: its spec name (split.strategy), what it does, and the assignment of every indexed
/// image to a subset (a pure function of the rows, the split section and the seed).</summary>
public sealed record SplitStrategy(string Name, string Description, Func<IReadOnlyList<IndexRow>, SplitSpec, long, IEnumerable<SplitRow>> Assign)
{
    /// <summary>split.folds folds, split.fold picks one: Train runs every fold (or --fold=N), fans out per fold on a
    /// cluster and ends with a cross-validation summary.</summary>
    public bool IsKFold { get; init; }

    /// <summary>split.test holds whole patients out of every fold (then split.validation must be 0 and the fold models
    /// form an ensemble scored on those patients).</summary>
    public bool HoldsTestOutOfEveryFold { get; init; }

    /// <summary>The capability names published to the spec layer (<see cref="SpecChoices"/>), which cannot see this type.</summary>
    public IReadOnlyList<string> Traits => [.. (IsKFold ? [SpecChoices.KFold] : Array.Empty<string>()), .. (HoldsTestOutOfEveryFold ? [SpecChoices.HeldOutTest] : Array.Empty<string>())];
}
