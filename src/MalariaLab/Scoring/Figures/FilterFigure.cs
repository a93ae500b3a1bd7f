using MalariaLab.Modelling.Models;

namespace MalariaLab.Scoring.Figures;

/// <summary>Every filter of the first convolution as an RGB patch (its 3 input channels as colour, min-max normalised
/// per filter), large enough to see, each labelled.</summary>
public static class FilterFigure
{
    public static readonly Figure Definition = new("filters.png", Figure.Learned,
        _ => "First conv layer: each filter's 3 x 3 x RGB weights as a colour patch (min-max normalised per filter)", Draw);

    static bool Draw(FigureContext c, string path)
    {
        if (c.Model is not IFirstConvolution model) return false;
        using var kernel = model.FirstConv.weight!.detach().clone();
        int filters = (int)kernel.shape[0], side = (int)kernel.shape[2];
        if (kernel.shape[1] != 3) return false;
        var tiles = Enumerable.Range(0, filters)
            .Select(f => new Tile(LabelledGrid.RgbPatch(kernel[f].data<float>().ToArray(), side), side, $"filter {f + 1}")).ToList();
        LabelledGrid.Save(tiles, 8, 72, $"First convolution: {filters} filters, {side}x{side}, RGB", path);
        return true;
    }
}
