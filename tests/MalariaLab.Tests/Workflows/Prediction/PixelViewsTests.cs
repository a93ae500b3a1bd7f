using MalariaLab.Modelling.Training;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Prediction;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Workflows.Prediction;

/// <summary>Predict's TTA views on uint8 pixels are exactly Evaluate's views on the model input (torch.flip, rot90 and
/// transpose over H and W), for odd and even sizes.</summary>
[Collection(LibTorchCollection.Name)]
public class PixelViewsTests
{
    [Theory]
    [InlineData("flips", 4, 5)]
    [InlineData("flips", 4, 6)]
    [InlineData("dihedral8", 8, 5)]
    [InlineData("dihedral8", 8, 6)]
    public void Each_view_is_the_evaluators_view_of_the_same_images(string tta, int views, int size)
    {
        var random = new Random(7);
        var nhwc = new byte[3 * size * size * 3];
        random.NextBytes(nhwc);
        using var input = TrainingData.ToModelInput(tensor(nhwc, [3, size, size, 3], ScalarType.Byte), 1);
        for (int k = 0; k < views; k++)
        {
            using var expected = Evaluator.View(input, tta, k).contiguous();
            using var actual = TrainingData.ToModelInput(tensor(PixelViews.View(nhwc, 3, size, tta, k, Dirty(nhwc.Length)), [3, size, size, 3], ScalarType.Byte), 1).contiguous();
            Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
        }
    }

    /// <summary>A reused buffer still holds the last batch's bytes: the view must overwrite all of them.</summary>
    static byte[] Dirty(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 37 + 11))];

    [Fact]
    public void A_buffer_of_the_wrong_length_or_the_input_itself_is_refused()
    {
        var nhwc = new byte[2 * 4 * 4 * 3];
        Assert.Throws<ArgumentException>(() => PixelViews.View(nhwc, 2, 4, "flips", 1, new byte[nhwc.Length - 1]));
        Assert.Throws<ArgumentException>(() => PixelViews.View(nhwc, 2, 4, "flips", 1, nhwc));
        Assert.Throws<ArgumentException>(() => PixelViews.View(nhwc, 3, 4, "flips", 1, new byte[nhwc.Length]));
    }
}
