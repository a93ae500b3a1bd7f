using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MalariaLab.Foundation.Specs;

/// <summary>Writes validated values as canonical YAML: every key, schema order, one format per type,
/// so equal specs give equal bytes (and equal hashes).</summary>
public static class SpecWriter
{
    public static string Write(SortedValues values)
    {
        var text = new StringBuilder();
        string[] open = [];
        foreach (var (path, value) in values.InSchemaOrder)
        {
            var parts = path.Split('.');
            int common = 0;
            while (common < open.Length && common < parts.Length - 1 && open[common] == parts[common]) common++;
            for (int depth = common; depth < parts.Length - 1; depth++)
                text.Append(new string(' ', depth * 2)).Append(parts[depth]).Append(":\n");
            open = parts[..^1];
            text.Append(new string(' ', (parts.Length - 1) * 2)).Append(parts[^1]).Append(": ").Append(Format(value)).Append('\n');
        }
        return text.ToString();
    }

    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatNumber(d),
        string s => JsonSerializer.Serialize(s), // JSON strings are valid YAML double-quoted scalars
        _ => throw new InvalidOperationException(value.GetType().Name),
    };

    /// <summary>A value as tables and pages show it: as <see cref="Format"/>, but a string keeps '+', '&lt;', '&amp;' and
    /// non-ASCII letters as they are (Format escapes them as \u002B…, valid YAML but unreadable); pages escape it
    /// for HTML or Markdown themselves.</summary>
    public static string Display(object? value) => value is string s
        ? JsonSerializer.Serialize(s, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
        : Format(value);

    /// <summary>Shortest round-trip form, always with a '.' or exponent so YAML reads it back as a number.</summary>
    static string FormatNumber(double d)
    {
        string s = d.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s.Replace("E", "e") : s + ".0";
    }
}
