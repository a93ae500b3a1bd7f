using System.Globalization;
using System.Text;

namespace MalariaLab.Foundation.Metrics;

public sealed record ClassRow(string Name, double Precision, double Recall, double F1, int Support);

/// <summary>scikit-learn's classification_report for two classes: per-class rows (sorted class names, as sklearn
/// sorts labels), accuracy, macro and weighted averages; same layout, 2 decimals by default.</summary>
public sealed record ClassificationReport(IReadOnlyList<ClassRow> Classes, double Accuracy, ClassRow MacroAverage, ClassRow WeightedAverage)
{
    /// <summary>Builds the report; the positive class is "Parasitized" (label 1), the negative "Uninfected".</summary>
    public static ClassificationReport From(Confusion c, string positive = "Parasitized", string negative = "Uninfected")
    {
        var flipped = new Confusion(c.TrueNegative, c.FalseNegative, c.TruePositive, c.FalsePositive);
        ClassRow Row(string name, Confusion k)
        {
            double p = BinaryMetrics.Precision(k), r = BinaryMetrics.Recall(k);
            return new ClassRow(name, p, r, BinaryMetrics.F1(p, r), k.TruePositive + k.FalseNegative);
        }
        var rows = new[] { Row(positive, c), Row(negative, flipped) }.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        int total = rows.Sum(r => r.Support);
        var macro = new ClassRow("macro avg", rows.Average(r => r.Precision), rows.Average(r => r.Recall), rows.Average(r => r.F1), total);
        double W(Func<ClassRow, double> f) => total == 0 ? 0 : rows.Sum(r => f(r) * r.Support) / total;
        var weighted = new ClassRow("weighted avg", W(r => r.Precision), W(r => r.Recall), W(r => r.F1), total);
        return new ClassificationReport(rows, BinaryMetrics.Accuracy(c), macro, weighted);
    }

    public string ToText(int digits = 2)
    {
        int width = Math.Max(Classes.Max(r => r.Name.Length), "weighted avg".Length);
        string F(double v) => v.ToString("F" + digits, CultureInfo.InvariantCulture).PadLeft(9);
        string Line(ClassRow r) => $"{r.Name.PadLeft(width)}  {F(r.Precision)} {F(r.Recall)} {F(r.F1)} {r.Support.ToString(CultureInfo.InvariantCulture).PadLeft(9)}\n";
        var text = new StringBuilder();
        text.Append(new string(' ', width)).Append("  ").Append("precision".PadLeft(9)).Append(' ').Append("recall".PadLeft(9))
            .Append(' ').Append("f1-score".PadLeft(9)).Append(' ').Append("support".PadLeft(9)).Append("\n\n");
        foreach (var row in Classes) text.Append(Line(row));
        text.Append('\n');
        text.Append($"{"accuracy".PadLeft(width)}  {"",9} {"",9} {F(Accuracy)} {MacroAverage.Support.ToString(CultureInfo.InvariantCulture).PadLeft(9)}\n");
        text.Append(Line(MacroAverage));
        text.Append(Line(WeightedAverage));
        return text.ToString();
    }
}
