using MalariaLab.Data.Splitting;

namespace MalariaLab.Scoring.Reporting;

/// <summary>Whether scored patients also have cells in training: then the score measures recall of seen patients, not
/// generalisation (the notebook's name-ordered split puts all 7 validation patients of the sample in training too).</summary>
public static class PatientOverlap
{
    public static string? Of(IReadOnlyList<SplitRow> split)
    {
        var training = split.Where(s => s.Subset == Subsets.Train).Select(s => s.Patient).ToHashSet(StringComparer.Ordinal);
        var parts = new List<string>();
        foreach (var subset in new[] { Subsets.Validation, Subsets.Test })
        {
            var patients = split.Where(s => s.Subset == subset).Select(s => s.Patient).Distinct().ToList();
            int shared = patients.Count(training.Contains);
            if (shared > 0) parts.Add($"{shared} of {patients.Count} {subset} patients");
        }
        return parts.Count == 0 ? null
            : $"{string.Join(" and ", parts)} also have cells in the training set, so these scores do not measure performance on new patients; use `split.strategy: patient` or `patient-kfold` for that.";
    }
}
