using static TorchSharp.torch;

namespace MalariaLab.Training;

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
                correct += (logits.ge(0).to_type(ScalarType.Float32) == y).sum().item<long>();
                sigmoid(logits).data<float>().CopyTo(probabilities, start);
            }
        }
        model.train(wasTraining);
        return rows.Length == 0 ? (double.NaN, double.NaN, probabilities) : (lossSum / rows.Length, (double)correct / rows.Length, probabilities);
    }
}
