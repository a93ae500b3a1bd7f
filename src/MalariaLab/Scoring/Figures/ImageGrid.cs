using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MalariaLab.Scoring.Figures;

/// <summary>Tiles RGB or grey images into one PNG (sample grids, filters, feature maps, mistakes), each tile
/// scaled up with nearest neighbour so small filters stay visible. Captions go in the report.</summary>
public static class ImageGrid
{
    /// <summary>tiles: HWC RGB bytes of side x side each; written as rows of <paramref name="columns"/>.</summary>
    public static void Save(IReadOnlyList<byte[]> tiles, int side, int columns, int tileSize, string path)
    {
        int rows = Math.Max(1, (tiles.Count + columns - 1) / columns);
        const int gap = 4;
        using var canvas = new Image<Rgb24>(columns * (tileSize + gap) + gap, rows * (tileSize + gap) + gap, new Rgb24(255, 255, 255));
        for (int i = 0; i < tiles.Count; i++)
        {
            using var tile = Image.LoadPixelData<Rgb24>(tiles[i], side, side);
            tile.Mutate(t => t.Resize(tileSize, tileSize, KnownResamplers.NearestNeighbor));
            int x = gap + i % columns * (tileSize + gap), y = gap + i / columns * (tileSize + gap);
            canvas.Mutate(c => c.DrawImage(tile, new Point(x, y), 1f));
        }
        canvas.SaveAsPng(path);
    }

    /// <summary>Grey values min-max normalised to 0..255, expanded to RGB.</summary>
    public static byte[] GreyTile(float[] values)
    {
        float min = values.Min(), max = values.Max();
        float range = max - min == 0 ? 1 : max - min;
        var rgb = new byte[values.Length * 3];
        for (int i = 0; i < values.Length; i++)
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte)Math.Round((values[i] - min) / range * 255);
        return rgb;
    }
}
