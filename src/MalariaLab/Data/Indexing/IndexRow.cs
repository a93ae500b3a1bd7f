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
public sealed record SkippedFile(string Path, string Reason);
