using System.Text.RegularExpressions;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Data.Indexing;

/// <summary>The official patient-to-cell maps: lines "ID,['file1.png', 'file2.png', ...],,,," (CRLF).</summary>
public static partial class PatientMaps
{
    /// <summary>File name → patient id. A file listed under two patients is an error naming the line.</summary>
    public static Dictionary<string, string> Parse(string path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Trim(',').Length == 0) continue;
            int comma = line.IndexOf(',');
            if (comma <= 0 || line.IndexOf('[', comma) < 0)
                throw new MalariaLabException($"{path}:{lineNumber}: expected \"PATIENT_ID,['file.png', ...]\"");
            string patient = line[..comma].Trim();
            foreach (Match match in QuotedName().Matches(line, comma))
            {
                string file = match.Groups[1].Value;
                if (map.TryGetValue(file, out var other) && other != patient)
                    throw new MalariaLabException($"{path}:{lineNumber}: {file} is mapped to both {other} and {patient}");
                map[file] = patient;
            }
        }
        return map;
    }

    /// <summary>The id every NIH file name carries: its prefix before "_IMG" (same as the maps on all 27,558 files).</summary>
    public static string FromFileName(string fileName)
    {
        int at = fileName.IndexOf("_IMG", StringComparison.Ordinal);
        return at > 0 ? fileName[..at] : Path.GetFileNameWithoutExtension(fileName);
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();
}
