using MalariaLab.Foundation.Native;
using System.Diagnostics;
using MalariaLab.Modelling.Models;
using MalariaLab.Modelling.Training;
using static TorchSharp.torch;

namespace MalariaLab.Workflows.Bench;

/// <summary>Where a training step's time goes: the step of <see cref="Trainer.Step"/> (no augmentation), cut into
/// pieces that are timed one by one — the batch fetch, each layer kind's forward, the loss, backward, the optimizer
/// and the metrics. LibTorch's CPU ops return when their result is computed, so each piece's clock covers its own
/// work. Milliseconds per step, mean over the steps after a warm-up.</summary>
public static class StepProfile
{
    public const string Batch = "batch fetch", Loss = "loss", Backward = "backward", Optimizer = "optimizer (zero grad + Adam)", Metrics = "loss and accuracy read back",
        Free = "freeing the step's tensors", Between = "untimed (choosing the rows, garbage collection)";

    /// <summary>Null for a network that is not a list of layer steps.</summary>
    public static Dictionary<string, double>? Milliseconds(nn.Module<Tensor, Tensor> model, FlatAdam optimizer, TrainingData data, int batch, int steps, int warmUp = 10)
    {
        if (model is not LayeredNetwork layered) return null;
        var total = new Dictionary<string, double>();
        model.train();
        for (int s = 0; s < warmUp + steps; s++)
        {
            var wall = Stopwatch.StartNew();
            long[] rows = [.. Enumerable.Range(0, batch).Select(i => data.Train[(s * batch + i) % data.Train.Length])];
            var times = Step(layered, optimizer, data, rows).Times;
            double stepMs = wall.Elapsed.TotalMilliseconds;
            if (s < warmUp) continue;
            foreach (var (piece, ms) in times) total[piece] = total.GetValueOrDefault(piece) + ms;
            total[Between] = total.GetValueOrDefault(Between) + stepMs - times.Sum(t => t.Ms);
        }
        return total.ToDictionary(p => p.Key, p => p.Value / steps);
    }

    /// <summary>One step, arithmetic for arithmetic <see cref="Trainer.Step"/>'s (a test holds the weights equal), with
    /// each piece's milliseconds; forward pieces are named "forward: " + the layer's kind.</summary>
    public static (double Loss, List<(string Piece, double Ms)> Times) Step(LayeredNetwork model, FlatAdam optimizer, TrainingData data, long[] rows)
    {
        var times = new List<(string, double)>();
        var clock = Stopwatch.StartNew();
        void Lap(string piece)
        {
            times.Add((piece, clock.Elapsed.TotalMilliseconds));
            clock.Restart();
        }
        var scope = NewDisposeScope();
        float value;
        try
        {
            var (x, y) = data.Batch(rows);
            x = LayeredNetwork.ChannelsLast(x);
            Lap(Batch);
            foreach (var step in model.Steps())
            {
                x = step.Apply(x);
                Lap("forward: " + step.Kind);
            }
            var logits = x.squeeze(1);
            var loss = nn.functional.binary_cross_entropy_with_logits(logits, y);
            Lap(Loss);
            optimizer.ZeroGrad();
            Lap(Optimizer);
            loss.backward();
            Lap(Backward);
            optimizer.Step();
            Lap(Optimizer);
            using (no_grad())
            {
                value = loss.item<float>();
                _ = (logits.NonNegative().to_type(ScalarType.Float32) == y).sum().item<long>();
            }
            Lap(Metrics);
        }
        catch
        {
            scope.Dispose();
            throw;
        }
        scope.Dispose();
        Lap(Free);
        return (value, times);
    }
}
