namespace MalariaLab.Foundation.Specs;

/// <summary>A YAML value with where it came from ("file:line:column" or "--set key=value"), so every
/// validation error can point at its source.</summary>
public sealed class SpecNode
{
    public required string Location { get; init; }
    public string? Scalar { get; init; }
    /// <summary>True for a plain (unquoted) scalar: "null", "~" and "" are nulls only then.</summary>
    public bool Plain { get; init; }
    public List<KeyValuePair<string, SpecNode>>? Map { get; init; }
    public List<SpecNode>? Sequence { get; init; }

    public bool IsNull => Map is null && Sequence is null && Plain && Scalar is null or "" or "~" or "null" or "Null" or "NULL";
    public string Kind => Map is not null ? "a mapping" : Sequence is not null ? "a list" : IsNull ? "null" : $"'{Scalar}'";
}
