using MalariaLab.Models;

namespace MalariaLab.Figures;

/// <summary>The first convolution's first 6 filters (rows) x 3 input channels (columns), each min-max normalised.</summary>
public static class FilterFigure
{
    public static readonly Figure Definition = new("filters.png", Figure.Learned,
        _ => "First conv layer, 6 filters (rows) x 3 channels (columns), min-max normalised", Draw);

    static bool Draw(FigureContext c, string path)
    {
        if (c.Model is not IFirstConvolution model) return false;
        using var kernel = model.FirstConv.weight!.detach().clone();
        int filters = (int)Math.Min(6, kernel.shape[0]), side = (int)kernel.shape[2];
        var tiles = new List<byte[]>();
        for (int f = 0; f < filters; f++)
            for (int ch = 0; ch < 3; ch++)
                tiles.Add(ImageGrid.GreyTile(kernel[f, ch].data<float>().ToArray()));
        ImageGrid.Save(tiles, side, 3, 60, path);
        return true;
    }
}
