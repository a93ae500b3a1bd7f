namespace MalariaLab.Tests.Architecture;

/// <summary>The library is layered: each folder under src/MalariaLab/ is a layer that uses only the layers before it
/// (<see cref="LayerOrder"/>), and the modules inside the layers (Data.Splitting, Modelling.Models, ...) have no cycles.</summary>
public class LayerTests
{
    /// <summary>Bottom to top; README's architecture section and docs/architecture.md describe the same order.</summary>
    public static readonly string[] LayerOrder = ["Foundation", "RunCache", "Data", "Modelling", "Scoring", "Workflows"];

    static readonly System.Reflection.Assembly Library = typeof(MalariaLab.Workflows.Pipeline.Orchestrator).Assembly;

    [Fact]
    public void Every_layer_uses_only_the_layers_before_it()
    {
        var edges = NamespaceDependencies.Of(Library, "MalariaLab", depth: 1);
        Assert.Equal(LayerOrder.Order(), edges.Keys.Order());
        var upward = edges.SelectMany(e => e.Value.Where(to => Array.IndexOf(LayerOrder, to) > Array.IndexOf(LayerOrder, e.Key))
            .Select(to => $"{e.Key} → {to}")).ToList();
        Assert.True(upward.Count == 0, "a layer uses a later layer: " + string.Join("; ", upward));
    }

    [Fact]
    public void No_cycles_between_the_modules_of_the_library()
    {
        var edges = NamespaceDependencies.Of(Library, "MalariaLab");
        var cycles = NamespaceDependencies.Cycles(edges);
        Assert.True(cycles.Count == 0, "cycles: " + string.Join("; ", cycles.Select(c =>
            string.Join(", ", c.Select(n => $"{n} → {string.Join("/", edges[n].Intersect(c).Order())}")))));
    }

    [Fact]
    public void The_scan_sees_calls_inside_method_bodies_and_finds_a_planted_cycle_and_a_planted_upward_use()
    {
        // Pipeline calls Training only inside method bodies (TrainStage.TrainNew); the scan must see it.
        var edges = NamespaceDependencies.Of(Library, "MalariaLab");
        Assert.Contains("Modelling.Training", edges["Workflows.Pipeline"]);
        Assert.Contains("Foundation.Common", edges["Foundation.Specs"]);
        edges["Foundation.Common"] = [.. edges.GetValueOrDefault("Foundation.Common", []), "Workflows.Pipeline"];
        var cycle = Assert.Single(NamespaceDependencies.Cycles(edges));
        Assert.Contains("Foundation.Common", cycle);
        Assert.Contains("Workflows.Pipeline", cycle);

        var layers = NamespaceDependencies.Of(Library, "MalariaLab", depth: 1);
        Assert.Contains("Modelling", layers["Workflows"]);
        Assert.DoesNotContain("Workflows", layers["Foundation"]);
    }
}
