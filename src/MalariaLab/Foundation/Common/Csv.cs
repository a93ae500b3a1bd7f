using System.Text;

namespace MalariaLab.Foundation.Common;

/// <summary>Minimal RFC 4180 CSV: quotes fields that need it; parses quoted fields. Line ends are "\n"
/// on write so hashes of written files are the same on every OS.</summary>
public static class Csv
{
    public static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";

    public static string Line(params string[] fields) => string.Join(',', fields.Select(Escape)) + "\n";

    public static string Write(IEnumerable<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        text.Append(Line(header.ToArray()));
        foreach (var row in rows) text.Append(Line(row.ToArray()));
        return text.ToString();
    }

    /// <summary>Parses CSV text into rows of fields (header included).</summary>
    public static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; any = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString()); field.Clear();
                    rows.Add(fields.ToArray()); fields.Clear(); any = false;
                    break;
                default: field.Append(c); any = true; break;
            }
        }
        if (any || field.Length > 0) { fields.Add(field.ToString()); rows.Add(fields.ToArray()); }
        return rows;
    }

    /// <summary>Reads a CSV file with a header into dictionaries; a missing column is an error naming the file.</summary>
    public static List<Dictionary<string, string>> ReadRecords(string path, params string[] requiredColumns)
    {
        var rows = Parse(File.ReadAllText(path));
        if (rows.Count == 0) throw new MalariaLabException($"{path}: empty CSV file, expected a header line");
        var header = rows[0];
        foreach (var column in requiredColumns)
            if (!header.Contains(column))
                throw new MalariaLabException($"{path}:1: missing column '{column}' (header: {string.Join(",", header)})");
        var records = new List<Dictionary<string, string>>(rows.Count - 1);
        for (int r = 1; r < rows.Count; r++)
        {
            if (rows[r].Length != header.Length)
                throw new MalariaLabException($"{path}:{r + 1}: {rows[r].Length} fields, expected {header.Length}");
            var record = new Dictionary<string, string>(header.Length);
            for (int c = 0; c < header.Length; c++) record[header[c]] = rows[r][c];
            records.Add(record);
        }
        return records;
    }
}
