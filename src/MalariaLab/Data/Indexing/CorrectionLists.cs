using MalariaLab.Foundation.Common;

namespace MalariaLab.Data.Indexing;

/// <summary>Fuhad et al. 2020's four lists: files whose folder label was confirmed (True_*) or judged wrong (False_*).</summary>
public sealed record CorrectionLists(
    IReadOnlySet<string> TrueParasitized, IReadOnlySet<string> TrueUninfected,
    IReadOnlySet<string> FalseParasitized, IReadOnlySet<string> FalseUninfected)
{
    /// <summary>Reads one list: header ",&lt;ListName&gt;", then "index,filename" lines.</summary>
    public static HashSet<string> ReadList(string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1 || line.Trim().Length == 0) continue;
            int comma = line.IndexOf(',');
            if (comma < 0 || !int.TryParse(line.AsSpan(0, comma), out _))
                throw new MalariaLabException($"{path}:{lineNumber}: expected \"index,filename\", found \"{line}\"");
            names.Add(line[(comma + 1)..].Trim());
        }
        return names;
    }

    public int Count => TrueParasitized.Count + TrueUninfected.Count + FalseParasitized.Count + FalseUninfected.Count;
}
