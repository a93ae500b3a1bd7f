namespace MalariaLab.Foundation.Specs;

/// <summary>Allowed values of spec keys whose choices come from a registry (model.arch, split.strategy). Registries
/// publish their names here when they load and when something is registered, so the schema, its validation and
/// README's key table list exactly what is registered, without the spec layer depending on the registries.</summary>
public static class SpecChoices
{
    static readonly Dictionary<string, List<(string Name, string Description)>> Choices = [];

    public static void Add(string keyPath, string name, string description)
    {
        lock (Choices)
        {
            if (!Choices.TryGetValue(keyPath, out var list)) Choices[keyPath] = list = [];
            if (list.All(c => c.Name != name)) list.Add((name, description));
        }
    }

    public static IReadOnlyList<(string Name, string Description)> Of(string keyPath)
    {
        lock (Choices) return Choices.TryGetValue(keyPath, out var list) ? [.. list] : [];
    }
}
