using MalariaLab.Models;
using static TorchSharp.torch;

namespace MalariaLab.Figures;

/// <summary>The first convolution's feature maps (after ReLU) for the first evaluated image.</summary>
public static class FeatureMapFigure
{
    public static readonly Figure Definition = new("feature_maps.png", Figure.Learned,
        _ => "First conv layer's feature maps for the first evaluated image", Draw);

    static bool Draw(FigureContext c, string path)
    {
        if (c.Model is not IFirstConvolution model || c.Predictions.Count == 0) return false;
        int size = c.Spec.Preprocess.Size;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        c.Model.eval();
        var image = Training.TrainingData.ToModelInput(tensor(c.PredictionPixels(0), [1, size, size, 3], ScalarType.Byte), c.Spec.Preprocess.Scale);
        var maps = nn.functional.relu(model.FirstConv.forward(image)).contiguous();
        var tiles = Enumerable.Range(0, (int)maps.shape[1]).Select(m => ImageGrid.GreyTile(maps[0, m].data<float>().ToArray())).ToList();
        ImageGrid.Save(tiles, (int)maps.shape[2], 4, 120, path);
        return true;
    }
}
