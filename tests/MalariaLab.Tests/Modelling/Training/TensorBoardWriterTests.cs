using MalariaLab.Modelling.Training;
using MalariaLab.Tests.Support;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Training;

/// <summary>No writer ends a run on odd values: tensors TorchSharp cannot histogram are named and skipped.</summary>
[Collection(LibTorchCollection.Name)]
public class TensorBoardWriterTests
{
    [Fact]
    public void Odd_parameters_are_skipped_with_the_reason_and_the_rest_are_written()
    {
        Assert.Equal("non-finite values", Trainer.HistogramProblem(tensor(new[] { 1f, float.NaN })));
        Assert.Equal("non-finite values", Trainer.HistogramProblem(tensor(new[] { float.PositiveInfinity, 2f })));
        Assert.Equal("every value is 0", Trainer.HistogramProblem(zeros(5)));
        Assert.Equal("every value is 3", Trainer.HistogramProblem(tensor(new[] { 3f })));
        Assert.Equal("no values", Trainer.HistogramProblem(zeros(0)));
        Assert.Null(Trainer.HistogramProblem(tensor(new[] { 0f, 1f })));

        // What the check lets through, TorchSharp's writer takes.
        using var temp = new TempFolder();
        var writer = utils.tensorboard.SummaryWriter(temp.Path);
        writer.add_histogram("ok", tensor(new[] { 0f, 1f, 2f }), 1);
        Assert.NotEmpty(Directory.GetFiles(temp.Path));
    }
}
