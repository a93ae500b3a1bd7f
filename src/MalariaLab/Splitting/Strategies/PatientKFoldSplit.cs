using MalariaLab.Common;
using MalariaLab.Indexing;
using MalariaLab.Specs;

namespace MalariaLab.Splitting.Strategies;

/// <summary>k folds of whole patients (balanced by <see cref="PatientAssignment"/>); fold <c>split.fold</c> is the
/// test set, and whole patients of the other folds are held out for validation (early stopping).</summary>
public static class PatientKFoldSplit
{
    public static readonly SplitStrategy Strategy = new("patient-kfold", "k folds of whole patients (`split.fold` is the test fold)", Assign);

    static IEnumerable<SplitRow> Assign(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        if (spec.Fold >= spec.Folds)
            throw new MalariaLabException($"split.fold: {spec.Fold} is not a fold of {spec.Folds} (expected 0..{spec.Folds - 1})");
        int patients = rows.Select(r => r.Patient).Distinct().Count();
        if (patients < spec.Folds)
            throw new MalariaLabException($"split: {patients} patients cannot make {spec.Folds} patient folds");
        var folds = Enumerable.Range(0, spec.Folds).ToDictionary(f => $"fold{f}", _ => 1.0 / spec.Folds);
        var foldOf = PatientAssignment.Assign(rows, folds, seed, "split/patient-kfold");
        var training = rows.Where(r => foldOf[r.Patient] != $"fold{spec.Fold}").ToList();
        var holdout = PatientAssignment.Assign(training, new Dictionary<string, double>
        {
            [Subsets.Validation] = spec.Validation,
            [Subsets.Train] = 1 - spec.Validation,
        }, seed, $"split/patient-kfold/holdout{spec.Fold}");
        return rows.Select(r =>
        {
            int fold = int.Parse(foldOf[r.Patient].AsSpan(4));
            string subset = fold == spec.Fold ? Subsets.Test : holdout[r.Patient];
            return Splitter.Row(r, subset, fold);
        });
    }
}
