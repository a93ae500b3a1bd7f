using System.Text;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

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
        foreach (var (step, _, output) in LayerTrace.Trace(model, size))
        {
            long parameters = step.Layer is null ? 0 : Count(step.Layer).Total;
            text.AppendLine($"{$"{step.Name} ({step.Kind})",-44}{Shape(output),-20}{parameters,12:N0}");
        }
        var counts = Count(model);
        text.AppendLine(new string('=', 76));
        text.AppendLine($"Total params: {counts.Total:N0}");
        text.AppendLine($"Trainable params: {counts.Trainable:N0}");
        text.AppendLine($"Non-trainable params: {counts.NonTrainable:N0}");
        return text.ToString();
    }

    /// <summary>(None, H, W, C) for images, (None, F) for vectors, as Keras prints.</summary>
    static string Shape(long[] shape) => shape.Length == 4
        ? $"(None, {shape[2]}, {shape[3]}, {shape[1]})"
        : $"(None, {string.Join(", ", shape.Skip(1))})";
}
