using MalariaLab.Common;
using MalariaLab.Indexing;
using MalariaLab.Specs;

namespace MalariaLab.Splitting;

/// <summary>The split stage: a pure function of (index rows, split spec, seed). Rows come back in path order.</summary>
public static class Splitter
{
    public static List<SplitRow> Split(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        if (rows.Count == 0) throw new MalariaLabException("split: the index is empty; nothing to split");
        var assigned = spec.Strategy switch
        {
            "keras-validation-split" => KerasValidationSplit(rows, spec.Validation),
            "stratified" => Stratified(rows, spec, seed),
            "patient" => ByPatient(rows, spec, seed),
            "patient-kfold" => PatientKFold(rows, spec, seed),
            _ => throw new MalariaLabException($"split.strategy: unknown strategy '{spec.Strategy}'"),
        };
        return assigned.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>Keras flow_from_directory(validation_split=v): per class, file names sorted, the first
    /// int(v * n) are validation, the rest training. No randomness.</summary>
    static IEnumerable<SplitRow> KerasValidationSplit(IReadOnlyList<IndexRow> rows, double validation)
    {
        foreach (var group in rows.GroupBy(r => r.Label))
        {
            var sorted = group.OrderBy(r => r.FileName, StringComparer.Ordinal).ToList();
            int cut = (int)(validation * sorted.Count);
            for (int i = 0; i < sorted.Count; i++)
                yield return Row(sorted[i], i < cut ? Subsets.Validation : Subsets.Train);
        }
    }

    /// <summary>Per class, a seeded order; the first round(test * n) are test, the next round(validation * n) validation.</summary>
    static IEnumerable<SplitRow> Stratified(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        CheckFractions(spec);
        foreach (var group in rows.GroupBy(r => r.Label))
        {
            var order = SeedSource.Shuffle(group, r => r.Path, seed, "split/stratified");
            int test = (int)Math.Round(spec.Test * order.Count, MidpointRounding.AwayFromZero);
            int validation = (int)Math.Round(spec.Validation * order.Count, MidpointRounding.AwayFromZero);
            for (int i = 0; i < order.Count; i++)
                yield return Row(order[i], i < test ? Subsets.Test : i < test + validation ? Subsets.Validation : Subsets.Train);
        }
    }

    /// <summary>Whole patients per subset. Patients are split into strata (with or without parasitized cells) so
    /// both subsets see both kinds; within a stratum, in seeded order, each patient goes to the subset furthest
    /// below its target share of images.</summary>
    static IEnumerable<SplitRow> ByPatient(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        CheckFractions(spec);
        var targets = new Dictionary<string, double>
        {
            [Subsets.Test] = spec.Test,
            [Subsets.Validation] = spec.Validation,
            [Subsets.Train] = 1 - spec.Test - spec.Validation,
        };
        var subsetOf = AssignPatients(rows, targets, seed, "split/patient");
        return rows.Select(r => Row(r, subsetOf[r.Patient]));
    }

    /// <summary>k folds of whole patients (balanced like <see cref="ByPatient"/>); fold <c>spec.Fold</c> is the test
    /// set, and whole patients of the other folds are held out for validation (early stopping).</summary>
    static IEnumerable<SplitRow> PatientKFold(IReadOnlyList<IndexRow> rows, SplitSpec spec, long seed)
    {
        if (spec.Fold >= spec.Folds)
            throw new MalariaLabException($"split.fold: {spec.Fold} is not a fold of {spec.Folds} (expected 0..{spec.Folds - 1})");
        int patients = rows.Select(r => r.Patient).Distinct().Count();
        if (patients < spec.Folds)
            throw new MalariaLabException($"split: {patients} patients cannot make {spec.Folds} patient folds");
        var folds = Enumerable.Range(0, spec.Folds).ToDictionary(f => $"fold{f}", _ => 1.0 / spec.Folds);
        var foldOf = AssignPatients(rows, folds, seed, "split/patient-kfold");
        var training = rows.Where(r => foldOf[r.Patient] != $"fold{spec.Fold}").ToList();
        var holdout = AssignPatients(training, new Dictionary<string, double>
        {
            [Subsets.Validation] = spec.Validation,
            [Subsets.Train] = 1 - spec.Validation,
        }, seed, $"split/patient-kfold/holdout{spec.Fold}");
        return rows.Select(r =>
        {
            int fold = int.Parse(foldOf[r.Patient].AsSpan(4));
            string subset = fold == spec.Fold ? Subsets.Test : holdout[r.Patient];
            return Row(r, subset, fold);
        });
    }

    /// <summary>Greedy, seeded assignment of patients to named bins with target shares of the images.</summary>
    static Dictionary<string, string> AssignPatients(IReadOnlyList<IndexRow> rows, IReadOnlyDictionary<string, double> targets, long seed, string purpose)
    {
        var patients = rows.GroupBy(r => r.Patient)
            .Select(g => (Id: g.Key, Count: g.Count(), Infected: g.Any(r => r.Label == Labels.Parasitized)))
            .ToList();
        var result = new Dictionary<string, string>();
        var bins = targets.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var stratum in patients.GroupBy(p => p.Infected).OrderBy(g => g.Key))
        {
            var filled = bins.ToDictionary(b => b, _ => 0);
            int total = stratum.Sum(p => p.Count);
            foreach (var patient in SeedSource.Shuffle(stratum, p => p.Id, seed, purpose))
            {
                // The bin with the largest shortfall against its target; ties go to the first bin in name order.
                string bin = bins.Where(b => targets[b] > 0)
                    .OrderByDescending(b => targets[b] * total - filled[b]).ThenBy(b => b, StringComparer.Ordinal).First();
                result[patient.Id] = bin;
                filled[bin] += patient.Count;
            }
        }
        return result;
    }

    static void CheckFractions(SplitSpec spec)
    {
        if (spec.Test + spec.Validation >= 1)
            throw new MalariaLabException($"split: validation ({spec.Validation}) + test ({spec.Test}) must be below 1 to leave a training set");
    }

    static SplitRow Row(IndexRow r, string subset, int fold = -1) => new(r.Path, r.Label, r.Patient, subset, fold);
}
