using MalariaLab.Foundation.Specs;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>One point of a sweep: its index and the --set overrides that make it.</summary>
public sealed record SweepPoint(int Index, IReadOnlyList<string> Overrides)
{
    public string Label => string.Join(", ", Overrides);
}

/// <summary>Expands a spec's sweep: axes into points: the cartesian product in the order written, the last axis
/// varying fastest (as nested loops read top to bottom). Index N always maps to the same point.</summary>
public static class SweepPlan
{
    public static List<SweepPoint> Expand(IReadOnlyList<SweepAxis> axes)
    {
        var points = new List<SweepPoint>();
        if (axes.Count == 0) return points;
        int total = axes.Aggregate(1, (n, a) => n * a.Values.Count);
        for (int index = 0; index < total; index++)
        {
            var overrides = new List<string>();
            int rest = index;
            for (int a = axes.Count - 1; a >= 0; a--)
            {
                var axis = axes[a];
                overrides.Insert(0, $"{axis.Path}={SpecWriter.Format(axis.Values[rest % axis.Values.Count])}");
                rest /= axis.Values.Count;
            }
            points.Add(new SweepPoint(index, overrides));
        }
        return points;
    }
}
