using MalariaLab.Foundation.Metrics;
using MalariaLab.Workflows.Comparison;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Comparison;

public class RunsTableTests
{
    [Fact]
    public void One_row_per_run_with_the_keys_that_differ_sorted_by_a_metric()
    {
        using var temp = new TempFolder();
        HandMadeRun.Write(temp.File("runs/sweep/20260101-000000-01"), "name: sweep\nseed: 1\n", 0.90);
        HandMadeRun.Write(temp.File("runs/sweep/20260101-000000-02"), "name: sweep\nseed: 2\n", 0.95);
        HandMadeRun.Write(temp.File("runs/other/20260101-000000-01"), "name: other\nseed: 1\ntrain: {lr: 0.001}\n", 0.80);
        var rows = RunsTable.Sort(RunsTable.Collect(temp.File("runs"), "sweep"), "accuracy");
        Assert.Equal(["sweep/20260101-000000-02", "sweep/20260101-000000-01"], rows.Select(r => r.Run));
        Assert.Equal(["seed"], rows[0].Differing.Keys);
        string csv = RunsTable.Format(rows, "csv");
        // Every registered headline metric is a column, in registry order.
        Assert.StartsWith("run,status,seed," + string.Join(",", MetricRegistry.All.Select(m => m.Name)) + ",epochs,seconds,images_per_second\n", csv);
        Assert.StartsWith("run,status,seed,accuracy,roc_auc,average_precision,sensitivity,specificity,matthews,brier,ece,", csv);
        Assert.Contains("sweep/20260101-000000-02,published,2,0.9500,", csv);
        var all = RunsTable.Collect(temp.File("runs"), null);
        Assert.Equal(3, all.Count);
        Assert.Equal(["seed", "train.lr"], all[0].Differing.Keys);
        Assert.Contains("| run | status | seed | train.lr |", RunsTable.Format(all, "md"));
        Assert.Contains("\"run\": \"other/20260101-000000-01\"", RunsTable.Format(all, "json"));
        Assert.Contains("run                       status", RunsTable.Format(all, "table"));
        Assert.Contains("--sort=loss: expected a headline metric", Assert.Throws<MalariaLab.Foundation.Common.MalariaLabException>(() => RunsTable.Sort(all, "loss")).Message);

        // A corrupt manifest is a row that says so, in every format, not a run that silently disappears.
        Directory.CreateDirectory(temp.File("runs/sweep/20260101-000000-03"));
        File.WriteAllText(temp.File("runs/sweep/20260101-000000-03/manifest.json"), "{ not json");
        var withBroken = RunsTable.Collect(temp.File("runs"), "sweep");
        var broken = Assert.Single(withBroken, r => r.Run == "sweep/20260101-000000-03");
        Assert.StartsWith("unreadable manifest", broken.Status);
        foreach (var format in new[] { "table", "md", "csv", "json" }) Assert.Contains("20260101-000000-03", RunsTable.Format(RunsTable.Sort(withBroken, "accuracy"), format));
    }
}
