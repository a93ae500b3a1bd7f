using MalariaLab.Foundation.Native;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Training;

/// <summary>Runs a model over rows of the data set in eval mode, in large batches, without gradients.</summary>
public static class Evaluator
{
    public const int BatchSize = 256;

    /// <summary>Mean BCE loss, accuracy at 0.5, and every row's probability of Parasitized.</summary>
    public static (double Loss, double Accuracy, float[] Probabilities) Run(nn.Module<Tensor, Tensor> model, TrainingData data, long[] rows)
    {
        bool wasTraining = model.training;
        model.eval();
        var probabilities = new float[rows.Length];
        double lossSum = 0;
        long correct = 0;
        using (no_grad())
        {
            for (int start = 0; start < rows.Length; start += BatchSize)
            {
                using var scope = NewDisposeScope();
                var batchRows = rows[start..Math.Min(rows.Length, start + BatchSize)];
                var (x, y) = data.Batch(batchRows);
                var logits = model.forward(x).squeeze(1);
                lossSum += nn.functional.binary_cross_entropy_with_logits(logits, y, reduction: nn.Reduction.Sum).item<float>();
                correct += (logits.NonNegative().to_type(ScalarType.Float32) == y).sum().item<long>();
                sigmoid(logits).data<float>().CopyTo(probabilities, start);
            }
        }
        model.train(wasTraining);
        return rows.Length == 0 ? (double.NaN, double.NaN, probabilities) : (lossSum / rows.Length, (double)correct / rows.Length, probabilities);
    }

    /// <summary>Every row's probability of Parasitized, averaged over the test-time transforms of evaluate.tta: none (the
    /// plain forward pass, as <see cref="Run"/>), flips (identity, horizontal, vertical, both) or dihedral8 (all eight
    /// symmetries of the square).</summary>
    public static float[] Probabilities(nn.Module<Tensor, Tensor> model, TrainingData data, long[] rows, string tta)
    {
        if (tta == "none") return Run(model, data, rows).Probabilities;
        int views = tta switch { "flips" => 4, "dihedral8" => 8, _ => throw new ArgumentOutOfRangeException(nameof(tta), tta, "expected none, flips or dihedral8") };
        bool wasTraining = model.training;
        model.eval();
        var probabilities = new float[rows.Length];
        using (no_grad())
        {
            for (int start = 0; start < rows.Length; start += BatchSize)
            {
                using var scope = NewDisposeScope();
                var (x, _) = data.Batch(rows[start..Math.Min(rows.Length, start + BatchSize)]);
                Tensor sum = zeros(x.shape[0]);
                for (int k = 0; k < views; k++)
                    sum = sum.Plus(sigmoid(model.forward(View(x, tta, k)).squeeze(1)));
                sum.DividedBy(views).data<float>().CopyTo(probabilities, start);
            }
        }
        model.train(wasTraining);
        return probabilities;
    }

    /// <summary>Transform k of a batch N x 3 x H x W (the same symmetries as augmentation, over H and W).</summary>
    public static Tensor View(Tensor x, string tta, int k) =>
        tta == "flips" ? Modelling.Augmentation.ImageTransforms.Flip(x, k) : Modelling.Augmentation.ImageTransforms.Dihedral(x, k);
}
