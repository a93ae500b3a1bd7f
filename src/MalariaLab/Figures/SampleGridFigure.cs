namespace MalariaLab.Figures;

/// <summary>Five images per row, one row per sample category (the notebook's look at the data).</summary>
public static class SampleGridFigure
{
    public static readonly Figure Definition = new("samples.png", Figure.Data,
        spec => spec.Dataset.Corrections == "none"
            ? "Samples (rows: Parasitized, Uninfected)"
            : "Samples (rows: True Parasitized, False Parasitized, True Uninfected, False Uninfected — Fuhad et al. 2020)",
        Draw);

    static bool Draw(FigureContext c, string path)
    {
        if (c.Samples.Count == 0) return false;
        int size = c.Spec.Preprocess.Size;
        var tiles = new List<byte[]>();
        foreach (var row in c.Samples)
            for (int i = 0; i < 5; i++)
                tiles.Add(i < row.Paths.Count ? c.SamplePixels(row.Paths[i]) : new byte[size * size * 3]);
        ImageGrid.Save(tiles, size, 5, 96, path);
        return true;
    }
}
