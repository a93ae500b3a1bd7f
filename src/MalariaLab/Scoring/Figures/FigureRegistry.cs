namespace MalariaLab.Scoring.Figures;

/// <summary>Every figure Evaluate draws and the report shows, in report order. Adding one is a new file in this
/// folder (a <see cref="Figure"/> and its drawing) and one line here.</summary>
public static class FigureRegistry
{
    static readonly List<Figure> Figures =
    [
        ConfusionMatrixFigure.Definition, RocFigure.Definition, PrecisionRecallFigure.Definition, ReliabilityFigure.Definition,
        TrainingCurveFigures.Loss, TrainingCurveFigures.Accuracy,
        SampleGridFigure.Definition,
        FilterFigure.Definition, FeatureMapFigure.Definition, MistakesFigure.Definition,
    ];

    public static IReadOnlyList<Figure> All { get { lock (Figures) return [.. Figures]; } }

    public static void Register(Figure figure)
    {
        lock (Figures)
        {
            if (Figures.Any(f => f.FileName == figure.FileName)) throw new InvalidOperationException($"a figure already writes plots/{figure.FileName}");
            if (!Figure.Sections.Contains(figure.Section)) throw new InvalidOperationException($"figure {figure.FileName}: unknown section '{figure.Section}'");
            Figures.Add(figure);
        }
    }

    /// <summary>Draws every applicable figure into <paramref name="plotsFolder"/>; returns the files written.</summary>
    public static List<string> DrawAll(FigureContext context, string plotsFolder)
    {
        Directory.CreateDirectory(plotsFolder);
        var written = new List<string>();
        foreach (var figure in All)
        {
            // Drawn to a temp name and renamed: a killed evaluation never leaves a half-written PNG to be sealed.
            string path = Path.Combine(plotsFolder, figure.FileName), temp = Foundation.Common.AtomicFile.TempPathFor(path);
            try
            {
                if (!figure.Draw(context, temp)) continue;
                File.Move(temp, path, overwrite: true);
                written.Add(figure.FileName);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
        return written;
    }
}
