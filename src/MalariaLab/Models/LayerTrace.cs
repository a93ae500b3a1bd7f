using static TorchSharp.torch;

namespace MalariaLab.Models;

/// <summary>One named step of a forward pass with the shapes (batch of one) it takes and gives.</summary>
public sealed record TracedStep(LayerStep Step, long[] Input, long[] Output);

public static class LayerTrace
{
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
