using MalariaLab.Foundation.Common;

namespace MalariaLab.Foundation.Specs;

/// <summary>A spec problem: where (file:line:column or the --set argument), which key, what is allowed.</summary>
public sealed class SpecException(string location, string keyPath, string problem)
    : MalariaLabException($"{location}: {(keyPath.Length == 0 ? "" : $"'{keyPath}': ")}{problem}")
{
    public string Location { get; } = location;
    public string KeyPath { get; } = keyPath;
}
