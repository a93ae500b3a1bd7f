using MalariaLab.Foundation.Native;
using System.Diagnostics;
using MalariaLab.Modelling.Augmentation;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Training;

public sealed record TrainingOutcome(List<EpochMetrics> History, int BestEpoch, double BestValue, string StopReason, bool Cancelled);

/// <summary>The training loop, top to bottom: per epoch a seeded shuffle, Adam(W) steps on BCE-with-logits at the
/// schedule's rate (on augmented batches when the spec asks), a validation pass, history + TensorBoard, best/last
/// checkpoints, early stopping.</summary>
public sealed class Trainer(TrainSpec spec, long seed, ILog log, AugmentSpec? augment = null)
{
    readonly Augmenter? _augmenter = augment is { Enabled: true } ? new Augmenter(augment, seed) : null;
    LearningRateSchedule _schedule = new(spec.Schedule, spec.Lr, spec.Epochs, 1);
    long _globalStep;

    /// <summary>Trains; with <paramref name="checkpointFolder"/> (the run folder) every finished epoch is checkpointed there,
    /// and a checkpoint found there is resumed: the result is bit for bit that of an uninterrupted run.</summary>
    public TrainingOutcome Fit(nn.Module<Tensor, Tensor> model, TrainingData data, string weightsFolder, string tensorboardFolder,
        Action<List<EpochMetrics>>? onEpoch = null, CancellationToken cancel = default, string? checkpointFolder = null)
    {
        Directory.CreateDirectory(weightsFolder);
        using var optimizer = new FlatAdam(model.parameters(), spec.Lr, spec.Beta1, spec.Beta2, spec.Epsilon) { WeightDecay = spec.WeightDecay };
        _schedule = new LearningRateSchedule(spec.Schedule, spec.Lr, spec.Epochs, (data.Train.Length + spec.BatchSize - 1) / spec.BatchSize);
        var early = spec.EarlyStopping.Enabled
            ? new EarlyStopping(spec.EarlyStopping.Patience, spec.EarlyStopping.MinDelta, spec.EarlyStopping.Maximize) : null;
        var best = new BestTracker(spec.Checkpoint.Maximize);
        var history = new List<EpochMetrics>();
        // As Keras' TensorBoard callback: one run per side with the same tags, so the curves overlay in one chart.
        using var trainBoard = new TensorBoardWriter(Path.Combine(tensorboardFolder, "train"));
        using var validationBoard = new TensorBoardWriter(Path.Combine(tensorboardFolder, "validation"));
        var board = (Train: trainBoard, Validation: validationBoard);
        string stopReason = $"reached train.epochs = {spec.Epochs}";
        bool cancelled = false;
        var dropouts = TrainingCheckpoint.Dropouts(model);

        int firstEpoch = 1;
        string? problem = null;
        if (checkpointFolder is not null && TrainingCheckpoint.TryLoad(checkpointFolder, model, optimizer, out problem) is { } resumed)
        {
            firstEpoch = resumed.Epoch + 1;
            _globalStep = resumed.GlobalStep;
            TrainingCheckpoint.RestoreTorchRng(resumed.TorchRng);
            for (int i = 0; i < dropouts.Count; i++) dropouts[i].RandomState = resumed.DropoutRngs[i];
            _schedule.State = resumed.Schedule;
            if (early is not null) early.State = resumed.EarlyStopping;
            best.State = resumed.Best;
            history.AddRange(resumed.History);
            log.Info($"train: resuming after epoch {resumed.Epoch} of {spec.Epochs} from {Path.Combine(checkpointFolder, TrainingCheckpoint.Folder)}");
            if (early is not null && early.Wait >= spec.EarlyStopping.Patience)
            {
                firstEpoch = spec.Epochs + 1; // it had stopped there
                stopReason = $"early stopping: {spec.EarlyStopping.Monitor} did not improve for {spec.EarlyStopping.Patience} epochs (best at epoch {early.BestEpoch})";
            }
        }

        else if (problem is not null && problem != "no checkpoint")
            log.Warn($"train: cannot resume ({problem}); training from the first epoch");

        for (int epoch = firstEpoch; epoch <= spec.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            long[] order = spec.Shuffle
                ? SeedSource.Permutation(data.Train.Length, seed, $"shuffle/epoch{epoch}").Select(i => data.Train[i]).ToArray()
                : data.Train;
            var (loss, accuracy, seen) = TrainEpoch(model, optimizer, data, order, epoch, board.Train, cancel);
            double trainSeconds = clock.Elapsed.TotalSeconds;
            if (cancel.IsCancellationRequested && seen < order.Length)
            {
                cancelled = true;
                stopReason = $"cancelled during epoch {epoch}";
                break;
            }
            var (valLoss, valAccuracy, _) = Evaluator.Run(model, data, data.Validation);
            if (!double.IsFinite(valLoss))
                throw new MalariaLabException($"train: the validation loss is {valLoss} after epoch {epoch} (the training loss was finite, {loss:F4}); training stopped");
            var metrics = new EpochMetrics(epoch, loss, accuracy, valLoss, valAccuracy, optimizer.Lr, clock.Elapsed.TotalSeconds, seen / trainSeconds);
            _schedule.EndOfEpoch(valLoss);
            history.Add(metrics);
            WriteBoard(board, model, metrics);

            WeightsFile.Save(model, Path.Combine(weightsFolder, "last.bin"));
            bool isBest = best.Update(epoch, metrics.Get(spec.Checkpoint.Monitor));
            if (isBest) WeightsFile.Save(model, Path.Combine(weightsFolder, "best.bin"));
            log.Info($"epoch {epoch}/{spec.Epochs}: loss {loss:F4} acc {accuracy:F4} val_loss {valLoss:F4} val_acc {valAccuracy:F4} " +
                     $"{metrics.Seconds:F1}s {metrics.ImagesPerSecond:F0} img/s{(isBest ? $" (best {spec.Checkpoint.Monitor}, saved)" : "")}");
            onEpoch?.Invoke(history);

            bool stop = early is not null && early.Update(epoch, metrics.Get(spec.EarlyStopping.Monitor));
            if (checkpointFolder is not null)
                TrainingCheckpoint.Save(checkpointFolder, model, optimizer, new TrainerState
                {
                    Epoch = epoch, GlobalStep = _globalStep, TorchRng = TrainingCheckpoint.CaptureTorchRng(),
                    DropoutRngs = [.. dropouts.Select(d => d.RandomState)], Schedule = _schedule.State,
                    EarlyStopping = early?.State ?? [], Best = best.State, History = [.. history],
                });
            if (stop)
            {
                stopReason = $"early stopping: {spec.EarlyStopping.Monitor} did not improve for {spec.EarlyStopping.Patience} epochs (best at epoch {early!.BestEpoch})";
                break;
            }
            if (cancel.IsCancellationRequested)
            {
                cancelled = true;
                stopReason = $"cancelled after epoch {epoch}";
                break;
            }
        }
        log.Info($"training stopped: {stopReason}");
        return new TrainingOutcome(history, best.BestEpoch, best.Best, stopReason, cancelled);
    }

    (double Loss, double Accuracy, int Seen) TrainEpoch(nn.Module<Tensor, Tensor> model, FlatAdam optimizer, TrainingData data, long[] order, int epoch,
        TensorBoardWriter board, CancellationToken cancel)
    {
        model.train();
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        var clock = Stopwatch.StartNew();
        var lastDraw = TimeSpan.Zero;
        for (int start = 0; start < order.Length; start += spec.BatchSize)
        {
            if (cancel.IsCancellationRequested) break;
            var rows = order[start..Math.Min(order.Length, start + spec.BatchSize)];
            optimizer.Lr = _schedule.At(epoch, start / spec.BatchSize);
            if (spec.Schedule.Kind != "constant") board.Scalar("learning_rate", optimizer.Lr, _globalStep); // every step, from step 0
            _globalStep++;
            var (loss, hits) = Step(model, optimizer, data, rows, _augmenter, epoch, spec.LabelSmoothing);
            // As Keras' TerminateOnNaN: a non-finite loss ends the run here, before it reaches the weights files,
            // TensorBoard or the next epoch.
            if (!double.IsFinite(loss))
                throw new MalariaLabException($"train: the loss is {loss} at epoch {epoch}, step {start / spec.BatchSize + 1} (images {start + 1}-{start + rows.Length} of the shuffled order); training stopped");
            lossSum += loss * rows.Length;
            correct += hits;
            seen += rows.Length;
            if (log.IsTerminal && clock.Elapsed - lastDraw > TimeSpan.FromMilliseconds(200))
            {
                lastDraw = clock.Elapsed;
                log.Progress(Progress(epoch, seen, order.Length, lossSum / seen, (double)correct / seen, seen / clock.Elapsed.TotalSeconds));
            }
        }
        return (seen == 0 ? double.NaN : lossSum / seen, seen == 0 ? double.NaN : (double)correct / seen, seen);
    }

    /// <summary>One optimisation step on the given rows: mean loss and correct predictions. Everything native
    /// made here is freed when the step ends (one dispose scope per step keeps memory flat).</summary>
    public static (double Loss, long Correct) Step(nn.Module<Tensor, Tensor> model, FlatAdam optimizer, TrainingData data, long[] rows,
        Augmenter? augmenter = null, int epoch = 0, double labelSmoothing = 0)
    {
        using var scope = NewDisposeScope();
        var (x, y) = data.Batch(rows, augmenter, epoch);
        var logits = model.forward(x).squeeze(1);
        // Label smoothing pulls the targets towards 0.5; accuracy below still counts against the true labels.
        var targets = labelSmoothing > 0 ? y.Times(1 - labelSmoothing).PlusNumber(labelSmoothing / 2) : y;
        var loss = nn.functional.binary_cross_entropy_with_logits(logits, targets);
        optimizer.ZeroGrad();
        loss.backward();
        optimizer.Step();
        using var _ = no_grad();
        return (loss.item<float>(), (logits.NonNegative().to_type(ScalarType.Float32) == y).sum().item<long>());
    }

    /// <summary>Keras' progress bar: step within the epoch, running loss and accuracy, images/s and the epoch's time left.</summary>
    ProgressReport Progress(int epoch, int seen, int total, double loss, double accuracy, double rate) =>
        new($"epoch {epoch}/{spec.Epochs}", seen, total,
            $"loss {loss:F4} acc {accuracy:F4} {rate:F0} img/s, {ProgressReport.TimeLeft(rate > 0 ? (total - seen) / rate : 0)} left");

    /// <summary>The epoch's scalars at step epoch - 1 (Keras counts epochs from 0 there) and, with train.histograms, every
    /// parameter's histogram.</summary>
    void WriteBoard((TensorBoardWriter Train, TensorBoardWriter Validation) board, nn.Module model, EpochMetrics m)
    {
        long step = m.Epoch - 1;
        board.Train.Scalar("epoch_loss", m.Loss, step);
        board.Validation.Scalar("epoch_loss", m.ValLoss, step);
        board.Train.Scalar("epoch_accuracy", m.Accuracy, step);
        board.Validation.Scalar("epoch_accuracy", m.ValAccuracy, step);
        board.Train.Scalar("epoch_learning_rate", m.Lr, step);
        board.Train.Scalar("images_per_second", m.ImagesPerSecond, step);
        WriteHistograms(board.Train, model, m);
        board.Train.Flush(); // once an epoch: TensorBoard shows the epoch while training goes on
        board.Validation.Flush();
    }

    void WriteHistograms(TensorBoardWriter board, nn.Module model, EpochMetrics m)
    {
        long step = m.Epoch - 1;
        if (!spec.Histograms) return;
        using var _ = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var values = parameter.detach().cpu().to_type(ScalarType.Float32).flatten();
            int skipped = board.Histogram(name, values.data<float>().ToArray(), step);
            if (skipped > 0) log.Warn($"tensorboard: {skipped} non-finite value(s) of {name} left out of its histogram at epoch {m.Epoch}");
        }
    }
}
