using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Modelling.Export;
using MalariaLab.RunCache;
using MalariaLab.Data.Indexing;
using MalariaLab.Modelling.Models;
using MalariaLab.Foundation.Native;
using MalariaLab.Data.Prepare;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Training;

/// <summary>What Train consumes, resolved by the orchestrator: the spec, the index, the split and the prepared
/// images with their identities, the thread count, and the stage key recorded in the manifest.</summary>
public sealed record TrainInputs(
    ExperimentSpec Spec, IReadOnlyList<IndexRow> Index, string DatasetFingerprint, IReadOnlyList<SplitRow> Split, string SplitHash,
    PreparedImages Prepared, string PreparedKey, int Threads, string StageKey, EnvironmentInfo Environment);

/// <summary>Train: a new run folder → the training loop → a manifest that says how it ended. The folder reads
/// "running" until the end, then "complete", "incomplete" (Ctrl+C) or "failed".</summary>
public static class TrainStage
{
    public const string Run = "run";

    public static readonly StageDefinition Definition = new("train", 3,
        "Train into a new run folder (spec.yaml, split.csv, weights, history.csv, tensorboard/, manifest.json).",
        // Exactly what training reads: the data arrives through index, split and prepare (their fingerprints), and the
        // evaluate.* keys, description and sweep are read by later stages only. The run folder keeps the spec it was
        // trained with; a run reused for an edited description or threshold is evaluated and published again.
        [SpecKeys.Name, SpecKeys.Seed, SpecKeys.Preprocess.All, SpecKeys.Model.All, SpecKeys.Augment.All, SpecKeys.Train.All], ["index", "split", "prepare"], ["runs/<experiment>/<run-id>/weights/", "history.csv", "tensorboard/", "manifest.json"])
    {
        Run = (c, key) =>
        {
            var inputs = new TrainInputs(c.Spec, IndexStage.Rows(c), IndexStage.DatasetFingerprint(c), SplitStage.Rows(c), c.Lock("split").Value(SplitStage.Hash),
                PrepareStage.ImagesOf(c), c.Lock("prepare").Key, c.Service<TrainSettings>().Threads, key, EnvironmentInfo.Capture());
            var run = TrainNew(inputs, c.Workspace.RunsOf(c.Spec.Name), c.Log, c.Cancel);
            c.Remember(RunMemo, run);
            return ResultOf(run);
        },
        // The code that trains (the built library's identity) and the thread count change the weights bit for bit.
        ExtraInputs = c => [("code", CodeIdentity.Value), ("threads", c.Service<TrainSettings>().Threads.ToString(CultureInfo.InvariantCulture))],
        OnReused = (c, _) =>
        {
            var run = RunOf(c);
            c.Remember(RunMemo, run);
            c.Log.Info($"train: run {run.Path} already answers this spec (same training keys, data, split, code and threads); reused. --force trains again.");
        },
    };

    public const string RunMemo = "run";

    /// <summary>The run folder the resolved train stage of this walk points to.</summary>
    public static RunFolder RunOf(IStageContext c) => RunFolder.Open(c.Workspace.Absolute(c.Lock("train").Value(Run)));

    /// <summary>Evaluate and publish act on one run folder: two runs whose results have the same content (a retrain with
    /// identical weights) are still two runs, each evaluated and published.</summary>
    public static IEnumerable<(string Name, string Value)> RunInput(IStageContext c) =>
        c.TryLock("train") is { } trained ? [(Run, trained.Value(Run))] : [];

    /// <summary>Trains into a new folder under <paramref name="experimentRuns"/>; returns the run whatever its status.</summary>
    public static RunFolder TrainNew(TrainInputs inputs, string experimentRuns, ILog log, CancellationToken cancel = default)
    {
        var spec = inputs.Spec;
        if (inputs.Threads > Environment.ProcessorCount)
            log.Warn($"train: {inputs.Threads} threads on {Environment.ProcessorCount} cores: oversubscribed threads make every step slower (train.threads=0 uses the cores there are), and the weights are those of {inputs.Threads} threads");
        Foundation.Native.TorchSetup.Threads(inputs.Threads);
        manual_seed(SeedSource.TorchSeed(spec.Seed, "torch"));

        if (Directory.Exists(experimentRuns) && Foundation.Common.FolderLinks.Subfolders(experimentRuns).Any(d => File.Exists(Path.Combine(d, RunManifest.FileName)) && RunManifest.Read(d).Ensemble is not null))
            throw new MalariaLabException($"{experimentRuns} holds ensembles; give the experiment ('{spec.Name}') a name of its own");
        // A split that leaves nothing to train or validate on is refused before a run folder exists (not a 'failed' run).
        int training = inputs.Split.Count(r => r.Subset == Subsets.Train), validating = inputs.Split.Count(r => r.Subset == Subsets.Validation);
        if (training == 0 || validating == 0)
            throw new MalariaLabException($"split: training needs both a train and a validation subset (got {training} and {validating} images; " +
                                          "split.validation and split.test leave whole patients, so small data sets need larger fractions)");
        var (run, held) = Resumable(experimentRuns, inputs.StageKey, log) ?? Claim(RunFolder.Create(experimentRuns, DateTimeOffset.UtcNow));
        using var _ = held;
        var started = File.Exists(run.File(RunManifest.FileName)) ? RunManifest.Read(run.Path).Started : DateTimeOffset.UtcNow;
        log.Info($"train: run folder {run.Path}");
        AtomicFile.WriteAllText(run.File("spec.yaml"), spec.ToYaml());
        AtomicFile.WriteAllText(run.File("split.csv"), SplitFile.ToCsv(inputs.Split));
        var manifest = new RunManifest
        {
            RunId = run.Id,
            Experiment = spec.Name,
            Seed = spec.Seed,
            SpecHash = spec.Hash,
            DatasetSource = spec.Dataset.Source,
            DatasetSha256 = spec.Dataset.Sha256,
            DatasetFingerprint = inputs.DatasetFingerprint,
            SplitHash = inputs.SplitHash,
            PreparedKey = inputs.PreparedKey,
            Threads = inputs.Threads,
            MallocTuned = MallocTuning.Applied,
            Environment = inputs.Environment,
            TrainKey = inputs.StageKey,
            Started = started,
        };
        manifest.Write(run.Path);

        try
        {
            using var data = new TrainingData(inputs.Prepared, inputs.Index, inputs.Split, spec.Preprocess.Scale);
            if (data.Train.Length == 0 || data.Validation.Length == 0)
                throw new MalariaLabException($"split: training needs both a train and a validation subset (got {data.Train.Length} and {data.Validation.Length})");
            using var model = ModelRegistry.Create(spec.Model, spec.Preprocess.Size);
            string summary = ModelSummary.Describe(model, spec.Preprocess.Size);
            AtomicFile.WriteAllText(run.File("model.txt"), summary);
            log.Info(summary);
            log.Info($"train: {data.Train.Length} training, {data.Validation.Length} validation images; batch {spec.Train.BatchSize}, {inputs.Threads} threads");

            // TensorBoard's HParams tab: this run's spec keys (its name aside) beside the metrics the trainer writes.
            using var hparams = new TensorBoardWriter(run.File("tensorboard"));
            hparams.SessionStart(spec.Values.InSchemaOrder.Where(v => v.Key is not ("name" or "description")).Select(v => (v.Key, v.Value)), $"{spec.Name}/{run.Id}");
            TrainingOutcome outcome;
            try
            {
                outcome = new Trainer(spec.Train, spec.Seed, log, spec.Augment).Fit(model, data, run.Weights, run.File("tensorboard"),
                    history => AtomicFile.WriteAllText(run.File(RunFiles.HistoryCsv), HistoryFile.ToCsv(history)), cancel, checkpointFolder: run.Path);
            }
            catch
            {
                hparams.SessionEnd(succeeded: false); // a non-finite loss ends the run: TensorBoard shows it failed
                throw;
            }
            hparams.SessionEnd(succeeded: !outcome.Cancelled);
            if (!outcome.Cancelled)
            {
                held.Dispose();
                TrainingCheckpoint.Delete(run.Path); // a finished run has nothing to resume; the checkpoint is not one of its files
            }
            ExportWeights(model, run, spec, outcome, new ModelProvenance(spec.Hash, inputs.DatasetFingerprint, inputs.SplitHash, inputs.Environment.Code));
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
            (manifest with { Status = RunStatus.Failed, StopReason = e.Message, Ended = DateTimeOffset.UtcNow }).Write(run.Path);
            throw;
        }
    }

    const string TrainingLock = "training.lock";

    /// <summary>A run of the same training (its train key) that stopped before the end — Ctrl+C, SIGTERM, kill -9, a lost
    /// machine — with a checkpoint to resume from, and that no live process is training (its lock is free).</summary>
    static (RunFolder Run, FileStream Lock)? Resumable(string experimentRuns, string trainKey, ILog log)
    {
        if (!Directory.Exists(experimentRuns)) return null;
        foreach (var folder in Foundation.Common.FolderLinks.Subfolders(experimentRuns).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(folder, TrainingCheckpoint.Folder, "state.json")) || !File.Exists(Path.Combine(folder, RunManifest.FileName))) continue;
            RunManifest manifest;
            try { manifest = RunManifest.Read(folder); }
            catch (MalariaLabException) { continue; }
            if (manifest.TrainKey != trainKey || manifest.Status is not (RunStatus.Running or RunStatus.Incomplete)) continue;
            var run = RunFolder.Open(folder);
            try
            {
                var held = Claim(run).Lock;
                log.Info($"train: {run.Path} stopped during training ({manifest.Status}); resuming it");
                return (run, held);
            }
            catch (IOException) { } // another process is training it
        }
        return null;
    }

    /// <summary>Holds the run's training lock while this process trains it (an advisory lock the OS drops when the process dies).</summary>
    static (RunFolder Run, FileStream Lock) Claim(RunFolder run)
    {
        Directory.CreateDirectory(run.File(TrainingCheckpoint.Folder));
        return (run, new FileStream(Path.Combine(run.File(TrainingCheckpoint.Folder), TrainingLock), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
    }

    /// <summary>The lock of a complete run: its weights by hash, and the folder.</summary>
    public static StageResult? ResultOf(RunFolder run)
    {
        var manifest = RunManifest.Read(run.Path);
        if (manifest.Status != RunStatus.Complete) return null;
        var outputs = manifest.Files.ToDictionary(f => f.Key, f => new LockedOutput(run.File(f.Key), f.Value, true));
        return new StageResult(outputs, new Dictionary<string, string> { [Run] = run.Path });
    }

    /// <summary>weights/last.* and weights/best.* for use outside the pipeline: safetensors for PyTorch users (names
    /// as in README) and ONNX (the registry entry's export, with the preprocessing inside the graph). Written into
    /// the run folder before the manifest lists the weights, so the seal covers them.</summary>
    static void ExportWeights(LayeredNetwork model, RunFolder run, ExperimentSpec spec, TrainingOutcome outcome, ModelProvenance provenance)
    {
        if (outcome.History.Count == 0) return;
        var p = spec.Preprocess;
        // Everything interop/pytorch/predict.py needs besides the tensors, so the file stands alone.
        var metadata = new Dictionary<string, string>
        {
            ["arch"] = spec.Model.Arch, ["input"] = $"N x 3 x {p.Size} x {p.Size}, RGB * {p.Scale}", ["output"] = "logit of Parasitized",
            ["size"] = p.Size.ToString(CultureInfo.InvariantCulture), ["interpolation"] = p.Interpolation, ["scale"] = p.Scale.ToString("R", CultureInfo.InvariantCulture),
            ["class_names"] = string.Join(",", OnnxModelFile.ClassNames),
        };
        foreach (var (key, value) in provenance.Pairs()) metadata[key] = value;
        SafetensorsExport.Save(model, run.File("weights/last.safetensors"), new Dictionary<string, string>(metadata) { ["epoch"] = outcome.History[^1].Epoch.ToString() });
        WriteOnnx(model, run, spec, provenance, "last");
        WeightsFile.Load(model, run.BestWeights);
        SafetensorsExport.Save(model, run.File("weights/best.safetensors"), new Dictionary<string, string>(metadata) { ["epoch"] = outcome.BestEpoch.ToString() });
        WriteOnnx(model, run, spec, provenance, "best");
    }

    static void WriteOnnx(LayeredNetwork model, RunFolder run, ExperimentSpec spec, ModelProvenance provenance, string which)
    {
        var metadata = new OnnxMetadata(provenance, spec.Model.Arch, spec.Preprocess.Size, spec.Preprocess.Interpolation,
            spec.Preprocess.Scale, $"weights/{which}.bin");
        OnnxModelFile.Write(run.File($"weights/{which}.onnx"), metadata, model.ToOnnx);
    }
}
