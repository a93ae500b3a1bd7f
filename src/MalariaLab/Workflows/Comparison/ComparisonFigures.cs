using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Metrics;
using ScottPlot;

namespace MalariaLab.Workflows.Comparison;

/// <summary>Compare's overlays, one line per run: validation loss and accuracy per epoch (history.csv), and the ROC and
/// precision-recall curves of what each run scored (predictions.csv). The legend names what differs between the runs
/// (seed=7, train.lr=0.001) when that is short, else the run.</summary>
public static class ComparisonFigures
{
    /// <summary>The file names written, in the order the page shows them.</summary>
    public static readonly string[] Files = ["val_loss.png", "val_accuracy.png", "roc.png", "precision_recall.png"];

    public static IReadOnlyList<string> Write(IReadOnlyList<ComparedRun> runs, string folder)
    {
        var written = new List<string>();
        var differing = RunComparison.SpecDifferences(runs).Select(d => d.Key).ToList();
        string Legend(ComparedRun r) => differing.Count is 0 or > 2 ? r.Name : string.Join(", ", differing.Select(k => $"{k}={r.Spec.GetValueOrDefault(k, "–")}"));

        void Save(Plot plot, string name)
        {
            plot.ShowLegend(Edge.Bottom); // below the plot: no curve runs under it
            plot.SavePng(Path.Combine(folder, name), 900, 600);
            written.Add(name);
        }

        var withHistory = runs.Where(r => r.History.Count > 0).ToList();
        foreach (var (name, title, metric) in new (string, string, Func<Foundation.Runs.EpochMetrics, double>)[]
                 { ("val_loss.png", "Validation loss", h => h.ValLoss), ("val_accuracy.png", "Validation accuracy", h => h.ValAccuracy) })
        {
            if (withHistory.Count == 0) continue;
            var plot = new Plot();
            foreach (var r in withHistory)
                plot.Add.ScatterLine(r.History.Select(h => (double)h.Epoch).ToArray(), r.History.Select(metric).ToArray()).LegendText = Legend(r);
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            plot.Title(title);
            plot.XLabel("epoch");
            plot.YLabel(title.ToLowerInvariant());
            Save(plot, name);
        }

        var scored = runs.Select(r => (Run: r, Scores: Scores(r))).Where(s => s.Scores is not null).ToList();
        if (scored.Count > 0)
        {
            var roc = new Plot();
            var pr = new Plot();
            foreach (var (run, (labels, probabilities)) in scored.Select(s => (s.Run, s.Scores!.Value)))
            {
                var (fpr, tpr, auc) = BinaryMetrics.Roc(labels, probabilities);
                roc.Add.ScatterLine(fpr, tpr).LegendText = $"{Legend(run)}: AUC {auc:F4} ({labels.Length} images)";
                var (precision, recall, ap) = BinaryMetrics.PrecisionRecall(labels, probabilities);
                pr.Add.ScatterLine(recall, precision).LegendText = $"{Legend(run)}: AP {ap:F4}";
            }
            var chance = roc.Add.Line(0, 0, 1, 1);
            chance.LinePattern = LinePattern.Dashed;
            chance.Color = Colors.Gray;
            chance.LegendText = "chance";
            roc.Title("ROC curves (each run's scored subset)");
            roc.XLabel("false positive rate (1 - specificity)");
            roc.YLabel("true positive rate (sensitivity)");
            Save(roc, "roc.png");
            pr.Title("Precision-recall curves (Parasitized)");
            pr.XLabel("recall (sensitivity)");
            pr.YLabel("precision");
            Save(pr, "precision_recall.png");
        }
        return written;
    }

    /// <summary>The 0/1 labels and P(Parasitized) of the run's predictions.csv, or null when it has none.</summary>
    static (int[] Labels, double[] Probabilities)? Scores(ComparedRun run)
    {
        string path = run.Run.File("predictions.csv");
        if (!File.Exists(path)) return null;
        var rows = Csv.ReadRecords(path, "label", "probability_parasitized");
        return ([.. rows.Select(r => r["label"] == Labels.Parasitized ? 1 : 0)],
                [.. rows.Select(r => double.Parse(r["probability_parasitized"], System.Globalization.CultureInfo.InvariantCulture))]);
    }
}
