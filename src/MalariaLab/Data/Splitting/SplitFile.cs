using System.Globalization;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Data.Splitting;

/// <summary>split.csv (path,label,patient,subset,fold) and its hash: SHA-256 of the exact bytes written.</summary>
public static class SplitFile
{
    static readonly string[] Header = ["path", "label", "patient", "subset", "fold"];

    public static string ToCsv(IEnumerable<SplitRow> rows) => Csv.Write(Header, rows.Select(r => (IReadOnlyList<string>)
        [r.Path, r.Label, r.Patient, r.Subset, r.Fold.ToString(CultureInfo.InvariantCulture)]));

    public static string Hash(IEnumerable<SplitRow> rows) => Hashing.Sha256Hex(ToCsv(rows));

    public static List<SplitRow> Read(string path) =>
        Csv.ReadRecords(path, Header).Select(r => new SplitRow(r["path"], r["label"], r["patient"], r["subset"],
            int.Parse(r["fold"], CultureInfo.InvariantCulture))).ToList();

    /// <summary>Counts per subset and class, and patients per subset, as printed by the Split stage.</summary>
    public static IEnumerable<string> Summary(IReadOnlyList<SplitRow> rows)
    {
        foreach (var subset in new[] { Subsets.Train, Subsets.Validation, Subsets.Test })
        {
            var inSubset = rows.Where(r => r.Subset == subset).ToList();
            if (inSubset.Count == 0) continue;
            string perClass = string.Join(", ", Data.Indexing.Labels.All.Select(l => $"{l} {inSubset.Count(r => r.Label == l)}"));
            yield return $"{subset}: {Foundation.Common.Plural.Of(inSubset.Count, "image")} ({perClass}), {Foundation.Common.Plural.Of(inSubset.Select(r => r.Patient).Distinct().Count(), "patient")}";
        }
    }
}
