using System.Globalization;
using System.Text;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Data.Indexing;

/// <summary>index.csv and skipped.csv: writing, reading and the dataset fingerprint.</summary>
public static class IndexFile
{
    static readonly string[] Header = ["path", "class", "label", "patient", "width", "height", "sha256", "correction"];

    public static string ToCsv(IEnumerable<IndexRow> rows) => Csv.Write(Header, rows.Select(r => (IReadOnlyList<string>)
        [r.Path, r.Class, r.Label, r.Patient, r.Width.ToString(CultureInfo.InvariantCulture), r.Height.ToString(CultureInfo.InvariantCulture), r.Sha256, r.Correction]));

    public static string SkippedToCsv(IEnumerable<SkippedFile> skipped) =>
        Csv.Write(["path", "code", "reason"], skipped.Select(s => (IReadOnlyList<string>)[s.Path, s.Code.Text(), s.Reason]));

    public static List<IndexRow> Read(string path) =>
        Csv.ReadRecords(path, Header).Select(r => new IndexRow(r["path"], r["class"], r["label"], r["patient"],
            int.Parse(r["width"], CultureInfo.InvariantCulture), int.Parse(r["height"], CultureInfo.InvariantCulture), r["sha256"], r["correction"])).ToList();

    /// <summary>SHA-256 over the sorted "path,label,sha256" lines: equal for equal data and labels, whatever
    /// the enumeration order or machine.</summary>
    public static string Fingerprint(IEnumerable<IndexRow> rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows.OrderBy(r => r.Path, StringComparer.Ordinal))
            text.Append(row.Path).Append(',').Append(row.Label).Append(',').Append(row.Sha256).Append('\n');
        return Hashing.Sha256Hex(text.ToString());
    }
}
