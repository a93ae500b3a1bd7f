using System.Globalization;

namespace MalariaLab.Foundation.Specs;

public enum ValueKind { String, Integer, Number, Boolean, Choice, Sha256, Identifier }

/// <summary>One key of the experiment spec: its type, limits, default and a one-line description
/// (README's key table is checked against this list).</summary>
public record SpecKey(string Path, ValueKind Kind, string Description) : ISpecKeys
{
    public string Pattern => Path;

    public bool Required { get; init; }
    public object? Default { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    public string[]? Choices { get; init; }
    /// <summary>The choices come from a registry (<see cref="SpecChoices"/>), not from this declaration.</summary>
    public bool FromRegistry { get; init; }

    public IReadOnlyList<string> AllowedChoices => FromRegistry ? SpecChoices.Of(Path).Select(c => c.Name).ToList() : Choices ?? [];

    /// <summary>The description with a registry's entries appended ("name: what it is; ...").</summary>
    public string FullDescription => FromRegistry
        ? Description + " " + string.Join("; ", SpecChoices.Of(Path).Select(c => $"{c.Name}: {c.Description}")) + "."
        : Description;
    /// <summary>Null is allowed (the key may be left empty: "not set").</summary>
    public bool Nullable { get; init; }

    public string Allowed => Kind switch
    {
        ValueKind.Choice => "one of: " + string.Join(" | ", AllowedChoices),
        ValueKind.Integer => "an integer" + Range,
        ValueKind.Number => "a number" + Range,
        ValueKind.Boolean => "true or false",
        ValueKind.Sha256 => "64 hex digits (a SHA-256)" + (Nullable ? " or null" : ""),
        ValueKind.Identifier => "a name of 1-64 letters, digits, '-', '_' or '.' (starting with a letter or digit)",
        _ => "a string" + (Nullable ? " or null" : ""),
    };

    string Range => (Min, Max) switch
    {
        (null, null) => "",
        ({ } lo, null) => $" >= {Format(lo)}",
        (null, { } hi) => $" <= {Format(hi)}",
        ({ } lo, { } hi) => $" in [{Format(lo)}, {Format(hi)}]",
    };

    static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A key whose values are <typeparamref name="T"/> (int for integer keys but the seed, which is long).</summary>
public sealed record SpecKey<T>(string Path, ValueKind Kind, string Description) : SpecKey(Path, Kind, Description)
{
    public T Of(SortedValues values) => values[Path] switch
    {
        long n when typeof(T) == typeof(int) => (T)(object)checked((int)n),
        var value => (T)value!,
    };
}

/// <summary>What a stage or network declares it reads: one key, or every key of a section (<c>SpecKeys.Train.All</c>).</summary>
public interface ISpecKeys
{
    /// <summary>A key's path, or a section's prefix ending in '.'.</summary>
    string Pattern { get; }
}

public static class SpecKeysExtensions
{
    /// <summary>Whether the key is <paramref name="path"/> or its section holds it.</summary>
    public static bool Covers(this ISpecKeys keys, string path) =>
        keys.Pattern == path || (keys.Pattern.EndsWith('.') && path.StartsWith(keys.Pattern, StringComparison.Ordinal));
}

/// <summary>Every key under a prefix ("train.").</summary>
public sealed record SpecSection(string Pattern) : ISpecKeys;

/// <summary>The whole experiment spec format, in document order.</summary>
public static class SpecSchema
{
    public const string OfficialDatasetUrl = "https://data.lhncbc.nlm.nih.gov/public/Malaria/cell_images.zip";
    public const string OfficialDatasetSha256 = "0a949556b2414159b5100192609805376654c4266d8d187be9b1922fad43c668";
    public const string PatientMapsUrl = "https://data.lhncbc.nlm.nih.gov/public/Malaria/";
    public const string CorrectionsUrl =
        "https://raw.githubusercontent.com/madhava20217/Malaria-Detection-from-Cells/51c6fafdf1e42354b74f6103f159abd73c633a01/Modules/corrected_images/";

    /// <summary>Every key in document order.</summary>
    public static IReadOnlyList<SpecKey> Keys => SpecKeys.InDocumentOrder;

    public static SpecKey? Find(string path) => Keys.FirstOrDefault(k => k.Path == path);

    /// <summary>Keys allowed directly under a mapping at <paramref name="prefix"/> ("" for the root).</summary>
    public static IReadOnlyList<string> ChildrenOf(string prefix)
    {
        string start = prefix.Length == 0 ? "" : prefix + ".";
        return Keys.Where(k => k.Path.StartsWith(start, StringComparison.Ordinal))
            .Select(k => k.Path[start.Length..].Split('.')[0]).Distinct().ToList();
    }

    public static bool IsSection(string path) => Keys.Any(k => k.Path.StartsWith(path + ".", StringComparison.Ordinal));
}
