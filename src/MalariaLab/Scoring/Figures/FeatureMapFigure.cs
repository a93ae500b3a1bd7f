using MalariaLab.Modelling.Models;
using static TorchSharp.torch;

namespace MalariaLab.Scoring.Figures;

/// <summary>The first evaluated cell beside the first convolution's feature maps (after ReLU) it produces, each labelled.</summary>
public static class FeatureMapFigure
{
    public static readonly Figure Definition = new("feature_maps.png", Figure.Learned,
        _ => "The first evaluated cell (first tile) and the first conv layer's feature maps for it", Draw);

    static bool Draw(FigureContext c, string path)
    {
        if (c.Model is not IFirstConvolution model || c.Predictions.Count == 0) return false;
        int size = c.Spec.Preprocess.Size;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        c.Model!.eval();
        byte[] pixels = c.PredictionPixels(0);
        var image = Modelling.Training.TrainingData.ToModelInput(tensor(pixels, [1, size, size, 3], ScalarType.Byte), c.Spec.Preprocess.Scale);
        var maps = nn.functional.relu(model.FirstConv.forward(image)).contiguous();
        var first = c.Predictions[0];
        var tiles = new List<Tile> { new(pixels, size, $"input ({first.Label})\np={first.ProbabilityParasitized:F2}") };
        int side = (int)maps.shape[2];
        tiles.AddRange(Enumerable.Range(0, (int)maps.shape[1]).Select(m => new Tile(ImageGrid.GreyTile(maps[0, m].data<float>().ToArray()), side, $"map {m + 1}")));
        LabelledGrid.Save(tiles, 6, 110, "First convolution: feature maps of one cell", path);
        return true;
    }
}
