using MalariaLab.Data.Indexing;

namespace MalariaLab.Data.Splitting.Strategies;

/// <summary>Keras flow_from_directory(validation_split=v): per class, file names sorted, the first int(v * n) are
/// validation, the rest training. No randomness.</summary>
public static class KerasValidationSplit
{
    public static readonly SplitStrategy Strategy = new("keras-validation-split",
        "per class, the first `validation` of sorted file names (Keras flow_from_directory)", (rows, spec, _) => Assign(rows, spec.Validation));

    static IEnumerable<SplitRow> Assign(IReadOnlyList<IndexRow> rows, double validation)
    {
        foreach (var group in rows.GroupBy(r => r.Label))
        {
            var sorted = group.OrderBy(r => r.FileName, StringComparer.Ordinal).ToList();
            int cut = (int)(validation * sorted.Count);
            for (int i = 0; i < sorted.Count; i++)
                yield return Splitter.Row(sorted[i], i < cut ? Subsets.Validation : Subsets.Train);
        }
    }
}
