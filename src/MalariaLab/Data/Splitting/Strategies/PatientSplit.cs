using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Data.Splitting.Strategies;

/// <summary>Whole patients per subset (train, validation, test by their image shares), balanced by
/// <see cref="PatientAssignment"/>.</summary>
public static class PatientSplit
{
    public static readonly SplitStrategy Strategy = new("patient", "whole patients per subset", Assign);

    static IEnumerable<SplitRow> Assign(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        Splitter.CheckFractions(spec);
        var targets = new Dictionary<string, double>
        {
            [Subsets.Test] = spec.Test,
            [Subsets.Validation] = spec.Validation,
            [Subsets.Train] = 1 - spec.Test - spec.Validation,
        };
        var subsetOf = PatientAssignment.Assign(rows, targets, seed, "split/patient");
        return rows.Select(r => Splitter.Row(r, subsetOf[r.Patient]));
    }
}
