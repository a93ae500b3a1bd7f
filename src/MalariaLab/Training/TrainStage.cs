using MalariaLab.Common;
using MalariaLab.Models;
using MalariaLab.Native;
using MalariaLab.Pipeline;
using MalariaLab.Runs;
using MalariaLab.Specs;
using MalariaLab.Splitting;
using static TorchSharp.torch;

namespace MalariaLab.Training;

/// <summary>Train: data stages → a new run folder → the training loop → a manifest that says how it ended.
/// The folder reads "running" until the end, then "complete", "incomplete" (Ctrl+C) or "failed".</summary>
public static class TrainStage
{
    public static RunFolder Run(ExperimentSpec spec, PipelineOptions options, ILog log, CancellationToken cancel = default, int? threads = null, bool reusePublished = true)
    {
        var pipeline = new DataPipeline(spec, options, log);
        var index = pipeline.Index();
        var split = pipeline.Split(index);
        var prepared = pipeline.PrepareImages(index);

        // Reproduce pins the original run's count; otherwise the spec's (0 = all cores).
        threads ??= spec.Train.Threads == 0 ? Environment.ProcessorCount : spec.Train.Threads;
        set_num_threads(threads.Value);
        manual_seed(SeedSource.TorchSeed(spec.Seed, "torch"));

        var environment = EnvironmentInfo.Capture();
        string trainKey = Hashing.Sha256Hex($"train/v1\n{spec.Hash}\n{index.Fingerprint}\n{split.Hash}\n{environment.GitCommit}\n{threads}");
        if (reusePublished && !options.Force && !environment.GitDirty && FindPublished(pipeline.Workspace.RunsOf(spec.Name), trainKey) is { } existing)
        {
            log.Info($"train: published run {existing.Path} already answers this spec (same spec, data, split, code and threads); skipped. --force trains again.");
            return existing;
        }

        var run = RunFolder.Create(pipeline.Workspace.RunsOf(spec.Name), DateTimeOffset.UtcNow);
        log.Info($"train: run folder {run.Path}");
        AtomicFile.WriteAllText(run.File("spec.yaml"), spec.ToYaml());
        AtomicFile.WriteAllText(run.File("split.csv"), SplitFile.ToCsv(split.Rows));
        var manifest = new RunManifest
        {
            RunId = run.Id,
            Experiment = spec.Name,
            Seed = spec.Seed,
            SpecHash = spec.Hash,
            DatasetSource = spec.Dataset.Source,
            DatasetSha256 = spec.Dataset.Sha256,
            DatasetFingerprint = index.Fingerprint,
            SplitHash = split.Hash,
            PreparedKey = pipeline.PreparedKey(index),
            Threads = threads.Value,
            MallocTuned = MallocTuning.Applied,
            Environment = environment,
            TrainKey = trainKey,
            Started = DateTimeOffset.UtcNow,
        };
        manifest.Write(run.Path);

        try
        {
            using var data = new TrainingData(prepared, index.Rows, split.Rows, spec.Preprocess.Scale);
            if (data.Train.Length == 0 || data.Validation.Length == 0)
                throw new MalariaLabException($"split: training needs both a train and a validation subset (got {data.Train.Length} and {data.Validation.Length})");
            using var model = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
            string summary = ModelSummary.Describe(model, spec.Preprocess.Size);
            AtomicFile.WriteAllText(run.File("model.txt"), summary);
            log.Info(summary);
            log.Info($"train: {data.Train.Length} training, {data.Validation.Length} validation images; batch {spec.Train.BatchSize}, {threads} threads");

            var outcome = new Trainer(spec.Train, spec.Seed, log).Fit(model, data, run.Weights, run.File("tensorboard"),
                history => AtomicFile.WriteAllText(run.File("history.csv"), HistoryFile.ToCsv(history)), cancel);
            ExportSafetensors(model, run, spec, outcome);
            var bestEpoch = outcome.History.FirstOrDefault(h => h.Epoch == outcome.BestEpoch);
            manifest = manifest with
            {
                Status = outcome.Cancelled ? RunStatus.Incomplete : RunStatus.Complete,
                Ended = DateTimeOffset.UtcNow,
                EpochsRun = outcome.History.Count,
                BestEpoch = outcome.BestEpoch,
                BestValAccuracy = bestEpoch?.ValAccuracy,
                ImagesPerSecond = outcome.History.Count == 0 ? null : outcome.History.Average(h => h.ImagesPerSecond),
                StopReason = outcome.StopReason,
                PeakRssBytes = ProcessMemory.PeakRssBytes(),
                Files = run.HashFiles("weights"),
            };
            manifest.Write(run.Path);
            log.Info($"train: {manifest.Status}, {outcome.History.Count} epochs, best epoch {outcome.BestEpoch} " +
                     $"(val_accuracy {bestEpoch?.ValAccuracy:F4}), {manifest.ImagesPerSecond:F0} img/s, peak RSS {manifest.PeakRssBytes / (1024.0 * 1024):F0} MiB; {run.Path}");
            return run;
        }
        catch (Exception e)
        {
            manifest.With(RunStatus.Failed, e.Message).Write(run.Path);
            throw;
        }
    }

    static RunFolder? FindPublished(string experimentRuns, string trainKey)
    {
        if (!Directory.Exists(experimentRuns)) return null;
        foreach (var folder in Directory.GetDirectories(experimentRuns).Order(StringComparer.Ordinal).Reverse())
        {
            if (!File.Exists(Path.Combine(folder, RunManifest.FileName))) continue;
            try
            {
                var manifest = RunManifest.Read(folder);
                if (manifest.Status == RunStatus.Published && manifest.TrainKey == trainKey) return RunFolder.Open(folder);
            }
            catch (MalariaLabException) { /* an unreadable manifest answers nothing */ }
        }
        return null;
    }

    /// <summary>weights/last.safetensors and weights/best.safetensors for PyTorch users (names as in README).</summary>
    static void ExportSafetensors(nn.Module<Tensor, Tensor> model, RunFolder run, ExperimentSpec spec, TrainingOutcome outcome)
    {
        if (outcome.History.Count == 0) return;
        var metadata = new Dictionary<string, string> { ["arch"] = spec.Model.Arch, ["input"] = $"N x 3 x {spec.Preprocess.Size} x {spec.Preprocess.Size}, RGB * {spec.Preprocess.Scale}", ["output"] = "logit of Parasitized" };
        SafetensorsExport.Save(model, run.File("weights/last.safetensors"), new Dictionary<string, string>(metadata) { ["epoch"] = outcome.History[^1].Epoch.ToString() });
        WeightsFile.Load(model, run.BestWeights);
        SafetensorsExport.Save(model, run.File("weights/best.safetensors"), new Dictionary<string, string>(metadata) { ["epoch"] = outcome.BestEpoch.ToString() });
    }

    static RunManifest With(this RunManifest manifest, string status, string reason) =>
        manifest with { Status = status, StopReason = reason, Ended = DateTimeOffset.UtcNow };
}
