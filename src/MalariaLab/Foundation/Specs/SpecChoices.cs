namespace MalariaLab.Foundation.Specs;

/// <summary>Allowed values of spec keys whose choices come from a registry (model.arch, split.strategy). Registries
/// publish their names here when they load and when something is registered, so the schema, its validation and
/// README's key table list exactly what is registered, without the spec layer depending on the registries.</summary>
public static class SpecChoices
{
    static readonly Dictionary<string, List<(string Name, string Description)>> Choices = [];
    static readonly Dictionary<(string Key, string Choice), IReadOnlyList<string>> Uses = [];
    static readonly HashSet<(string Key, string Choice, string Trait)> Traits = [];

    /// <summary>Traits of split strategies the spec rules depend on (typed on the strategy itself: SplitStrategy.IsKFold, ...).</summary>
    public const string KFold = "k-fold", HeldOutTest = "held-out-test";

    /// <summary>Whether a registered choice has a trait (split.strategy patient-kfold has k-fold).</summary>
    public static bool Has(string keyPath, string choice, string trait)
    {
        lock (Choices) return Traits.Contains((keyPath, choice, trait));
    }

    /// <summary>Registers a choice; <paramref name="uses"/>, when given, are the keys of the same section the choice
    /// reads (model.arch = wide-gap-cnn reads model.dense_dropout only): setting another one is a spec error.</summary>
    public static void Add(string keyPath, string name, string description, IReadOnlyList<string>? uses = null, IReadOnlyList<string>? traits = null)
    {
        lock (Choices)
        {
            foreach (var trait in traits ?? []) Traits.Add((keyPath, name, trait));
            if (!Choices.TryGetValue(keyPath, out var list)) Choices[keyPath] = list = [];
            if (list.All(c => c.Name != name)) list.Add((name, description));
            if (uses is not null) Uses[(keyPath, name)] = uses;
        }
    }

    /// <summary>The keys a registered choice reads, or null when it did not say.</summary>
    public static IReadOnlyList<string>? KeysUsedBy(string keyPath, string choice)
    {
        lock (Choices) return Uses.TryGetValue((keyPath, choice), out var keys) ? keys : null;
    }

    public static IReadOnlyList<(string Name, string Description)> Of(string keyPath)
    {
        lock (Choices) return Choices.TryGetValue(keyPath, out var list) ? [.. list] : [];
    }
}
