namespace MalariaLab.Scoring.Figures;

/// <summary>Five cells per category, each captioned with its category (the notebook's first look at the data).</summary>
public static class SampleGridFigure
{
    public static readonly Figure Definition = new("samples.png", Figure.Data,
        spec => spec.Dataset.Corrections == "none"
            ? "Samples: five cells of each class"
            : "Samples: five cells from each class folder whose label Fuhad et al. 2020 confirmed, and five they list as mislabelled",
        Draw);

    static bool Draw(FigureContext c, string path)
    {
        if (c.Samples.Count == 0) return false;
        int size = c.Spec.Preprocess.Size;
        var tiles = new List<Tile>();
        foreach (var row in c.Samples)
            for (int i = 0; i < 5; i++)
                tiles.Add(i < row.Paths.Count ? new Tile(c.SamplePixels(row.Paths[i]), size, row.Caption) : new Tile(new byte[size * size * 3], size, "(none)"));
        LabelledGrid.Save(tiles, 5, 110, "Sample cells", path);
        return true;
    }
}
