using MalariaLab.Foundation.Native;
using MalariaLab.Data.Indexing;
using MalariaLab.Data.Prepare;
using MalariaLab.Data.Splitting;
using MalariaLab.Modelling.Augmentation;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Training;

/// <summary>The whole prepared data set as one native uint8 tensor (N x S x S x 3) plus the row numbers of each
/// subset. Batches are sliced on the native side (index_select), never copied from managed arrays per batch.</summary>
public sealed class TrainingData : IDisposable
{
    public Tensor Images { get; }
    public Tensor Labels { get; }
    public long[] Train { get; }
    public long[] Validation { get; }
    public long[] Test { get; }
    public double Scale { get; }

    public TrainingData(PreparedImages prepared, IReadOnlyList<IndexRow> index, IReadOnlyList<SplitRow> split, double scale)
    {
        var rowOf = new Dictionary<string, int>(index.Count, StringComparer.Ordinal);
        for (int i = 0; i < index.Count; i++) rowOf[index[i].Path] = i;
        long[] Rows(string subset) => split.Where(s => s.Subset == subset).Select(s => (long)rowOf[s.Path]).ToArray();
        Train = Rows(Subsets.Train);
        Validation = Rows(Subsets.Validation);
        Test = Rows(Subsets.Test);
        Images = tensor(prepared.Pixels, [prepared.Count, prepared.Size, prepared.Size, 3], ScalarType.Byte);
        Labels = tensor(index.Select(r => r.Label == Data.Indexing.Labels.Parasitized ? 1f : 0f).ToArray());
        Scale = scale;
    }

    TrainingData(TrainingData all, long[] train, long[] validation)
    {
        (Images, Labels, Scale, Train, Validation, Test) = (all.Images, all.Labels, all.Scale, train, validation, []);
    }

    /// <summary>The same images with fewer rows in training and validation (the tensors are shared: dispose one of the two).</summary>
    public TrainingData Subset(long[] train, long[] validation) => new(this, train, validation);

    /// <summary>Float images N x 3 x S x S (a channels-last view: the NHWC bytes are not reordered) and labels; with an
    /// enabled <paramref name="augmenter"/>, augmented for <paramref name="epoch"/>.</summary>
    public (Tensor Images, Tensor Labels) Batch(long[] rows, Augmenter? augmenter = null, int epoch = 0)
    {
        using var index = tensor(rows);
        var images = augmenter is { Enabled: true } ? augmenter.Apply(Images, rows, Scale, epoch) : ToModelInput(Images.index_select(0, index), Scale);
        return (images, Labels.index_select(0, index));
    }

    /// <summary>Keeping the NHWC bytes and only permuting the view gives LibTorch channels-last tensors, which its
    /// convolutions run faster (bench: batch-256 inference 2,558 → 4,093 images/s, training batch 64 805 → 932).</summary>
    public static Tensor ToModelInput(Tensor uint8Nhwc, double scale) =>
        uint8Nhwc.to_type(ScalarType.Float32).TimesInPlace(scale).permute(0, 3, 1, 2);

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
