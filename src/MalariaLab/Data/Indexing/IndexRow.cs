namespace MalariaLab.Data.Indexing;

public static class Labels
{
    public const string Parasitized = "Parasitized";
    public const string Uninfected = "Uninfected";
    public static readonly string[] All = [Parasitized, Uninfected];
}

/// <summary>One usable image. Path is relative to the data root with '/' separators; Class is the folder
/// it came from, Label the label after corrections; Correction says which list (if any) named it.</summary>
public sealed record IndexRow(string Path, string Class, string Label, string Patient, int Width, int Height, string Sha256, string Correction)
{
    public string FileName => Path[(Path.LastIndexOf('/') + 1)..];
}

/// <summary>A file left out of the index, and why.</summary>
public sealed record SkippedFile(string Path, SkipCode Code, string Reason);

/// <summary>Why a file is not in the index, as a code that downstream stages compare (skipped.csv's code column); the
/// reason beside it is for people.</summary>
public enum SkipCode
{
    RefusedLink,
    OsMetadata,
    NotPng,
    /// <summary>A FIFO, a device or a socket named like an image (reading it would hang or never end).</summary>
    NotRegular,
    Unreadable,
    /// <summary>Named in Fuhad et al.'s False_parasitized / False_uninfected list (corrections: exclude).</summary>
    ExcludedFalse,
    /// <summary>In no True list (corrections: exclude).</summary>
    ExcludedUnlisted,
}

public static class SkipCodes
{
    /// <summary>The code as written in skipped.csv (kebab case: excluded-false, os-metadata, ...).</summary>
    public static string Text(this SkipCode code) => string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static bool IsExcludedByCorrections(this SkipCode code) => code is SkipCode.ExcludedFalse or SkipCode.ExcludedUnlisted;
}
