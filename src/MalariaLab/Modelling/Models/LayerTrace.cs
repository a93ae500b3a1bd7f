using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>One named step of a forward pass with the shapes (batch of one) it takes and gives.</summary>
public sealed record TracedStep(LayerStep Step, long[] Input, long[] Output);

/// <summary>A 2-D convolution of the forward pass with its input and output shapes (C, H, W) for one image.</summary>
public sealed record TracedConvolution(TorchSharp.Modules.Conv2d Conv, long[] Input, long[] Output);

public static class LayerTrace
{
    /// <summary>Every convolution with its shapes. A step that is a convolution gives them directly; a composite step
    /// (a residual block) is taken to produce its output's size from each of its convolutions, whose input is that size
    /// times the convolution's stride (true of the blocks here: 3x3 and 1x1 convolutions padded to keep the size).</summary>
    public static List<TracedConvolution> Convolutions(nn.Module<Tensor, Tensor> model, int size)
    {
        var found = new List<TracedConvolution>();
        foreach (var (step, input, output) in Trace(model, size))
        {
            if (step.Layer is TorchSharp.Modules.Conv2d conv) { found.Add(new(conv, input[1..], output[1..])); continue; }
            if (step.Layer is null || output.Length != 4) continue;
            foreach (var inner in step.Layer.modules().OfType<TorchSharp.Modules.Conv2d>())
                found.Add(new(inner, [inner.in_channels, output[2] * inner.stride[0], output[3] * inner.stride[1]], [inner.out_channels, output[2], output[3]]));
        }
        return found;
    }

    /// <summary>Runs one zero image through the model's named steps in eval mode, without gradients, and lists
    /// each step with its shapes; empty for a model that does not expose its steps.</summary>
    public static List<TracedStep> Trace(nn.Module<Tensor, Tensor> model, int size)
    {
        var steps = new List<TracedStep>();
        if (model is not ILayeredModel layered) return steps;
        bool training = model.training;
        model.eval();
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var x = zeros(1, 3, size, size);
            foreach (var step in layered.Steps())
            {
                var input = x.shape;
                x = step.Apply(x);
                steps.Add(new TracedStep(step, input, x.shape));
            }
        }
        model.train(training);
        return steps;
    }
}
