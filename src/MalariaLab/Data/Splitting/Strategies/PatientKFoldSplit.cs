using MalariaLab.Foundation.Common;
using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Data.Splitting.Strategies;

/// <summary>k folds of whole patients (balanced by <see cref="PatientAssignment"/>). Without split.test, fold
/// <c>split.fold</c> is the test set and whole patients of the other folds are held out for validation. With split.test,
/// whole patients are first held out of every fold as the common test set (so an ensemble of the k fold models can be
/// scored on patients none of them saw), the rest is folded, and fold <c>split.fold</c> is the validation set.</summary>
public static class PatientKFoldSplit
{
    public static readonly SplitStrategy Strategy = new("patient-kfold",
        "k folds of whole patients (`split.fold` is the test fold; with `split.test`, the validation fold and whole patients held out of every fold)", Assign)
    {
        IsKFold = true,
        HoldsTestOutOfEveryFold = true,
    };

    const string Pool = "pool";

    static IEnumerable<SplitRow> Assign(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        if (spec.Fold >= spec.Folds)
            throw new MalariaLabException($"split.fold: {spec.Fold} is not a fold of {spec.Folds} (expected 0..{spec.Folds - 1})");
        if (spec.Test > 0) return WithHeldOutTest(rows, spec, seed);
        var foldOf = Folds(rows, spec, seed);
        var training = rows.Where(r => foldOf[r.Patient] != spec.Fold).ToList();
        var holdout = PatientAssignment.Assign(training, new Dictionary<string, double>
        {
            [Subsets.Validation] = spec.Validation,
            [Subsets.Train] = 1 - spec.Validation,
        }, seed, $"split/patient-kfold/holdout{spec.Fold}");
        return rows.Select(r =>
        {
            int fold = foldOf[r.Patient];
            return Splitter.Row(r, fold == spec.Fold ? Subsets.Test : holdout[r.Patient], fold);
        });
    }

    static IEnumerable<SplitRow> WithHeldOutTest(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        var held = PatientAssignment.Assign(rows, new Dictionary<string, double> { [Subsets.Test] = spec.Test, [Pool] = 1 - spec.Test },
            seed, "split/patient-kfold/test");
        if (!held.ContainsValue(Subsets.Test))
            throw new MalariaLabException($"split.test: {spec.Test} of {held.Count} patients holds out none; raise it");
        var pool = rows.Where(r => held[r.Patient] == Pool).ToList();
        var foldOf = Folds(pool, spec, seed);
        return rows.Select(r => held[r.Patient] == Subsets.Test
            ? Splitter.Row(r, Subsets.Test)
            : Splitter.Row(r, foldOf[r.Patient] == spec.Fold ? Subsets.Validation : Subsets.Train, foldOf[r.Patient]));
    }

    /// <summary>Patient → fold number.</summary>
    static Dictionary<string, int> Folds(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        int patients = rows.Select(r => r.Patient).Distinct().Count();
        if (patients < spec.Folds)
            throw new MalariaLabException($"split: {patients} patients{(spec.Test > 0 ? " outside the held-out test set" : "")} cannot make {spec.Folds} patient folds");
        var folds = Enumerable.Range(0, spec.Folds).ToDictionary(f => $"fold{f}", _ => 1.0 / spec.Folds);
        return PatientAssignment.Assign(rows, folds, seed, "split/patient-kfold").ToDictionary(p => p.Key, p => int.Parse(p.Value.AsSpan(4)));
    }
}
