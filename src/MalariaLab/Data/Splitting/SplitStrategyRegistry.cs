using MalariaLab.Foundation.Specs;
using System.Runtime.CompilerServices;
using MalariaLab.Foundation.Common;
using MalariaLab.Data.Splitting.Strategies;

namespace MalariaLab.Data.Splitting;

/// <summary>split.strategy → strategy. Adding one is a new file in Strategies/ and one line here; the spec schema
/// (allowed values, README table) follows.</summary>
public static class SplitStrategyRegistry
{
    static readonly string KeyPath = SpecKeys.Split.Strategy.Path;
    static readonly List<SplitStrategy> Strategies = [];

    static SplitStrategyRegistry()
    {
        foreach (var strategy in new[] { KerasValidationSplit.Strategy, StratifiedSplit.Strategy, PatientSplit.Strategy, PatientKFoldSplit.Strategy })
            Register(strategy);
    }

    /// <summary>Publishes the built-in names to the spec schema when the library loads.</summary>
#pragma warning disable CA2255 // the library's own registries must be known before any spec is validated
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Load() => RuntimeHelpers.RunClassConstructor(typeof(SplitStrategyRegistry).TypeHandle);

    public static IReadOnlyList<SplitStrategy> All { get { lock (Strategies) return [.. Strategies]; } }

    public static void Register(SplitStrategy strategy)
    {
        lock (Strategies)
        {
            if (Strategies.Any(s => s.Name == strategy.Name)) throw new InvalidOperationException($"split strategy '{strategy.Name}' is already registered");
            Strategies.Add(strategy);
        }
        Foundation.Specs.SpecChoices.Add(KeyPath, strategy.Name, strategy.Description, traits: strategy.Traits);
    }

    /// <summary>The strategy the spec names.</summary>
    public static SplitStrategy Of(Foundation.Specs.SplitSpec split) => Get(split.Strategy);

    public static SplitStrategy Get(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new MalariaLabException($"{KeyPath}: unknown strategy '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}");
}
