using MalariaLab.Foundation.Common;
using MalariaLab.Data.Indexing;

namespace MalariaLab.Data.Splitting.Strategies;

/// <summary>Greedy, seeded assignment of whole patients to named bins with target shares of the images. Patients are
/// split into strata (with or without parasitized cells) so every bin sees both kinds; within a stratum, in seeded
/// order, each patient goes to the bin furthest below its target.</summary>
public static class PatientAssignment
{
    public static Dictionary<string, string> Assign(IReadOnlyList<IndexRow> rows, IReadOnlyDictionary<string, double> targets, long seed, string purpose)
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
}
