namespace MalariaLab.Tests.Architecture;

/// <summary>Dependencies between the stage folders of src/MalariaLab point one way: no namespace reaches itself
/// through others.</summary>
public class NamespaceCycleTests
{
    [Fact]
    public void No_cycles_between_the_namespaces_of_the_library()
    {
        var edges = NamespaceDependencies.Of(typeof(MalariaLab.Pipeline.Orchestrator).Assembly, "MalariaLab");
        var cycles = NamespaceDependencies.Cycles(edges);
        Assert.True(cycles.Count == 0, "cycles: " + string.Join("; ", cycles.Select(c =>
            string.Join(", ", c.Select(n => $"{n} → {string.Join("/", edges[n].Intersect(c).Order())}")))));
    }

    [Fact]
    public void The_scan_sees_calls_inside_method_bodies_and_finds_a_planted_cycle()
    {
        // Pipeline calls Training only inside method bodies (TrainStage.TrainNew); the scan must see it.
        var edges = NamespaceDependencies.Of(typeof(MalariaLab.Pipeline.Orchestrator).Assembly, "MalariaLab");
        Assert.Contains("Training", edges["Pipeline"]);
        Assert.Contains("Common", edges["Specs"]);
        edges["Common"] = [.. edges.GetValueOrDefault("Common", []), "Pipeline"];
        var cycle = Assert.Single(NamespaceDependencies.Cycles(edges));
        Assert.Contains("Common", cycle);
        Assert.Contains("Pipeline", cycle);
    }
}
