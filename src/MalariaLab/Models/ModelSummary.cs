using System.Text;
using static TorchSharp.torch;

namespace MalariaLab.Models;

/// <summary>A Keras-style summary: layer, output shape (HWC as Keras prints it), parameters; totals
/// count BatchNorm's moving statistics as non-trainable, as Keras does.</summary>
public static class ModelSummary
{
    public sealed record Counts(long Trainable, long NonTrainable)
    {
        public long Total => Trainable + NonTrainable;
    }

    public static Counts Count(nn.Module model)
    {
        long trainable = model.parameters().Sum(p => p.numel());
        long moving = model.named_buffers().Where(b => !b.name.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Sum(b => b.buffer.numel());
        return new Counts(trainable, moving);
    }

    public static string Describe(nn.Module<Tensor, Tensor> model, int size)
    {
        var text = new StringBuilder();
        text.AppendLine($"{"Layer (type)",-44}{"Output Shape",-20}{"Param #",12}");
        text.AppendLine(new string('=', 76));
        if (model is ILayeredModel layered)
        {
            bool training = model.training;
            model.eval();
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                var x = zeros(1, 3, size, size);
                foreach (var step in layered.Steps())
                {
                    x = step.Apply(x);
                    long parameters = step.Layer is null ? 0 : Count(step.Layer).Total;
                    text.AppendLine($"{$"{step.Name} ({step.Kind})",-44}{Shape(x),-20}{parameters,12:N0}");
                }
            }
            model.train(training);
        }
        var counts = Count(model);
        text.AppendLine(new string('=', 76));
        text.AppendLine($"Total params: {counts.Total:N0}");
        text.AppendLine($"Trainable params: {counts.Trainable:N0}");
        text.AppendLine($"Non-trainable params: {counts.NonTrainable:N0}");
        return text.ToString();
    }

    /// <summary>(None, H, W, C) for images, (None, F) for vectors, as Keras prints.</summary>
    static string Shape(Tensor x) => x.dim() == 4
        ? $"(None, {x.shape[2]}, {x.shape[3]}, {x.shape[1]})"
        : $"(None, {string.Join(", ", x.shape.Skip(1))})";
}
