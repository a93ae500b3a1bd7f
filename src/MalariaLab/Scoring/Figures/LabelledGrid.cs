using ScottPlot;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MalariaLab.Scoring.Figures;

/// <summary>One tile of a labelled grid: RGB bytes (side x side x 3, row-major) and the caption under it.</summary>
public sealed record Tile(byte[] Rgb, int Side, string Caption);

/// <summary>Tiles of small images, each scaled up with nearest neighbour (pixels stay visible) and captioned, under a
/// title: sample grids, filters, feature maps and mistakes read without the CSVs.</summary>
public static class LabelledGrid
{
    public static void Save(IReadOnlyList<Tile> tiles, int columns, int tilePixels, string title, string path)
    {
        const double gap = 0.2, captionHeight = 0.3;
        int rows = Math.Max(1, (tiles.Count + columns - 1) / columns);
        var plot = new Plot();
        for (int i = 0; i < tiles.Count; i++)
        {
            double left = i % columns * (1 + gap), top = -(i / columns) * (1 + gap + captionHeight);
            plot.Add.ImageRect(ToImage(tiles[i], tilePixels), new CoordinateRect(left, left + 1, top - 1, top));
            var caption = plot.Add.Text(tiles[i].Caption, left + 0.5, top - 1 - 0.03);
            caption.LabelAlignment = Alignment.UpperCenter;
            caption.LabelFontSize = Math.Clamp(tilePixels / 9f, 9, 13); // a caption fits its tile and gap
        }
        plot.Axes.SetLimits(-gap, columns * (1 + gap), -rows * (1 + gap + captionHeight), gap);
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Title(title);
        double width = columns * (1 + gap) + gap, height = rows * (1 + gap + captionHeight) + gap;
        int pixelsPerUnit = tilePixels + 4;
        plot.SavePng(path, (int)(width * pixelsPerUnit), (int)(height * pixelsPerUnit) + 40);
    }

    static ScottPlot.Image ToImage(Tile tile, int pixels)
    {
        using var image = SixLabors.ImageSharp.Image.LoadPixelData<Rgb24>(tile.Rgb, tile.Side, tile.Side);
        image.Mutate(t => t.Resize(pixels, pixels, KnownResamplers.NearestNeighbor));
        using var png = new MemoryStream();
        image.Save(png, new SixLabors.ImageSharp.Formats.Png.PngEncoder());
        return new ScottPlot.Image(png.ToArray());
    }

    /// <summary>Values min-max normalised to 0..255 per channel group, as RGB: a 3 x k x k filter becomes a k x k colour patch.</summary>
    public static byte[] RgbPatch(float[] chw, int side)
    {
        float min = chw.Min(), max = chw.Max(), range = max - min == 0 ? 1 : max - min;
        var rgb = new byte[side * side * 3];
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < side * side; p++)
                rgb[p * 3 + c] = (byte)Math.Round((chw[c * side * side + p] - min) / range * 255);
        return rgb;
    }
}
