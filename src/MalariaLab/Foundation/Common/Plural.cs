namespace MalariaLab.Foundation.Common;

/// <summary>"1 image", "2 images": counts in messages read as English.</summary>
public static class Plural
{
    public static string Of(long count, string noun) => $"{count:N0} {noun}{(count == 1 ? "" : "s")}";
}
