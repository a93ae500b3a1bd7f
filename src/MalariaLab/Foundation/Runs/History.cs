using System.Globalization;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Foundation.Runs;

public sealed record EpochMetrics(int Epoch, double Loss, double Accuracy, double ValLoss, double ValAccuracy, double Lr, double Seconds, double ImagesPerSecond)
{
    /// <summary>The value of a monitor name as Keras spells it (loss, accuracy, val_loss, val_accuracy).</summary>
    public double Get(string monitor) => monitor switch
    {
        "loss" => Loss,
        "accuracy" => Accuracy,
        "val_loss" => ValLoss,
        "val_accuracy" => ValAccuracy,
        _ => throw new ArgumentOutOfRangeException(nameof(monitor), monitor, "unknown monitor"),
    };
}

/// <summary>history.csv: one row per finished epoch (full precision, invariant culture).</summary>
public static class HistoryFile
{
    static readonly string[] Header = ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds", "images_per_second"];

    public static string ToCsv(IEnumerable<EpochMetrics> epochs) => Csv.Write(Header, epochs.Select(e => (IReadOnlyList<string>)
        [e.Epoch.ToString(CultureInfo.InvariantCulture), F(e.Loss), F(e.Accuracy), F(e.ValLoss), F(e.ValAccuracy), F(e.Lr), F(e.Seconds), F(e.ImagesPerSecond)]));

    public static List<EpochMetrics> Read(string path) => Csv.ReadRecords(path, Header).Select(r => new EpochMetrics(
        int.Parse(r["epoch"], CultureInfo.InvariantCulture), D(r["loss"]), D(r["accuracy"]), D(r["val_loss"]), D(r["val_accuracy"]),
        D(r["lr"]), D(r["seconds"]), D(r["images_per_second"]))).ToList();

    static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
