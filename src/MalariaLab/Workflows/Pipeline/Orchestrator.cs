using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Data.Download;
using MalariaLab.Scoring.Evaluation;
using MalariaLab.Data.Extract;
using MalariaLab.RunCache;
using MalariaLab.Data.Indexing;
using MalariaLab.Data.Prepare;
using MalariaLab.Scoring.Reporting;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;
using MalariaLab.Modelling.Training;

namespace MalariaLab.Workflows.Pipeline;

/// <summary>Walks the stage graph for one spec: each stage's inputs are its spec keys, its upstream stages'
/// fingerprints and its extras (code, threads, source identity); the stage cache reuses a finished output for the
/// same inputs or runs the stage with inputs resolved here. Stages never call each other.</summary>
public sealed class Orchestrator
{
    readonly ExperimentSpec _spec;
    readonly PipelineOptions _options;
    readonly RunSettings _settings;
    readonly ILog _log;
    readonly StageCache _cache;
    readonly Dictionary<string, StageLock> _locks = [];
    readonly CancellationToken _cancel;
    List<IndexRow>? _index;
    PreparedImages? _prepared;

    public Orchestrator(ExperimentSpec spec, PipelineOptions options, ILog log, RunSettings? settings = null, CancellationToken cancel = default)
    {
        _spec = spec;
        _options = options;
        _log = log;
        _settings = settings ?? RunSettings.Default;
        _cancel = cancel;
        _cache = new StageCache(new Workspace(options.Artifacts));
    }

    public ExperimentSpec Spec => _spec;
    public Workspace Workspace => _cache.Workspace;
    /// <summary>The run folder Train created or reused in this walk (also when it ended incomplete).</summary>
    public RunFolder? Run { get; private set; }
    public int Threads => _settings.Threads ?? (_spec.Train.Threads == 0 ? Environment.ProcessorCount : _spec.Train.Threads);

    /// <summary>Brings a stage and everything upstream of it up to date; null when a stage stopped early
    /// (training cancelled).</summary>
    public StageLock? Resolve(string stageName)
    {
        if (_locks.TryGetValue(stageName, out var known)) return known;
        var stage = StageGraph.Get(stageName);
        foreach (var upstream in stage.Upstream)
            if (Resolve(upstream) is null) return null;
        bool force = _options.Force || (_settings.Rerun?.Contains(stage.Name) ?? false);
        var (found, reused) = _cache.RunOrReuse(stage, InputsOf(stage, withUpstream: true), force, key => RunStage(stage, key));
        if (found is null) return null;
        _locks[stage.Name] = found;
        if (reused) Reused(stage, found);
        ExperimentLocks.Record(Workspace, _spec.Name, found);
        return found;
    }

    /// <summary>Status walks the graph without running: it hands over the locks it found so far.</summary>
    internal void Seed(IReadOnlyDictionary<string, StageLock> locks)
    {
        foreach (var (name, found) in locks) _locks[name] = found;
    }

    /// <summary>The stage's inputs: the spec keys it reads, its upstream fingerprints, and its extras.</summary>
    public Dictionary<string, string> InputsOf(StageDefinition stage, bool withUpstream)
    {
        var inputs = new Dictionary<string, string>();
        foreach (var (path, value) in _spec.Values.InSchemaOrder)
            if (stage.Reads(path)) inputs[path] = SpecWriter.Format(value);
        if (withUpstream)
            foreach (var upstream in stage.Upstream) inputs[StageDefinition.UpstreamInput(upstream)] = _locks[upstream].Fingerprint;
        switch (stage.Name)
        {
            case "download":
                foreach (var (name, value) in DownloadStage.SourceInputs(_spec.Dataset)) inputs[name] = value;
                break;
            case "train":
                inputs["code"] = CodeIdentity.Value;
                inputs["threads"] = Threads.ToString(CultureInfo.InvariantCulture);
                break;
            case "evaluate" or "publish" when _locks.TryGetValue("train", out var trained):
                // These stages act on one run folder: two runs whose results have the same content (a retrain with
                // identical weights) are still two runs, each evaluated and published.
                inputs[TrainStage.Run] = trained.Value(TrainStage.Run);
                break;
        }
        return inputs;
    }

    bool _cleaned;

    StageResult? RunStage(StageDefinition stage, string key)
    {
        _cancel.ThrowIfCancellationRequested();
        if (!_cleaned) { TempFiles.CleanOrphans(Workspace.Root, _log); _cleaned = true; }
        switch (stage.Name)
        {
            case "download":
                return DownloadStage.Run(_spec.Dataset, new Fetcher(new ContentCache(Workspace.Cache), _log, _options.Mirror, _options.Http), _log);
            case "extract":
                var dataset = _locks["download"].Outputs[DownloadStage.Dataset];
                return ExtractStage.Run(dataset, Workspace.Absolute(dataset.Path), Workspace.DataFor, _log);
            case "index":
                var auxiliary = _locks["download"].Outputs.Where(o => o.Key != DownloadStage.Dataset).ToDictionary(o => o.Key, o => Workspace.Absolute(o.Value.Path));
                _index = null;
                return IndexStage.Run(Workspace.Absolute(_locks["extract"].Outputs[ExtractStage.Data].Path), _spec.Dataset.Corrections, auxiliary, Workspace.IndexFolder(key), _log);
            case "split":
                return SplitStage.Run(IndexRows(), _spec.Split, _spec.Seed, Workspace.SplitFolder(key), _log);
            case "prepare":
                var (result, images) = PrepareStage.Run(IndexRows(), DataRoot, _spec.Preprocess, Workspace.PreparedFile(key), _log);
                _prepared = images;
                return result;
            case "train":
                var split = _locks["split"];
                var inputs = new TrainInputs(_spec, IndexRows(), DatasetFingerprint, SplitRows(),
                    split.Value(SplitStage.Hash), Prepared(), _locks["prepare"].Key, Threads, key, EnvironmentInfo.Capture());
                Run = TrainStage.TrainNew(inputs, Workspace.RunsOf(_spec.Name), _log, _cancel);
                return TrainStage.ResultOf(Run);
            case "evaluate":
                // A run published already (its evaluate lock written by an older version) keeps its sealed results.
                if (RunManifest.Read(TrainedRun().Path).Status != RunStatus.Published)
                    EvaluateStage.Run(TrainedRun(), _spec, EvaluationData(), _log);
                return EvaluateStage.ResultOf(TrainedRun());
            case "publish":
                Publisher.Publish(TrainedRun(), _spec, _log);
                return Publisher.ResultOf(TrainedRun());
            default:
                throw new InvalidOperationException($"the orchestrator has no runner for stage '{stage.Name}'");
        }
    }

    void Reused(StageDefinition stage, StageLock found)
    {
        switch (stage.Name)
        {
            case "train":
                Run = TrainedRun();
                _log.Info($"train: run {Run.Path} already answers this spec (same spec, data, split, code and threads); reused. --force trains again.");
                break;
            case "index":
                _log.Info($"index: up to date (dataset fingerprint {found.Value(IndexStage.Fingerprint)[..12]})");
                foreach (var line in IndexStage.Counts(IndexRows())) _log.Info(line);
                break;
            case "split":
                _log.Info($"split: up to date (split hash {found.Value(SplitStage.Hash)[..12]})");
                break;
            default:
                _log.Info($"{stage.Name}: up to date");
                break;
        }
    }

    /// <summary>Where a resolved stage's named output is.</summary>
    public string OutputPath(string stage, string output) => Workspace.Absolute(_locks[stage].Outputs[output].Path);

    public IReadOnlyList<IndexRow> IndexRows() =>
        _index ??= IndexFile.Read(Workspace.Absolute(_locks["index"].Outputs[IndexStage.IndexCsv].Path));

    public string DatasetFingerprint => _locks["index"].Value(IndexStage.Fingerprint);
    public string DataRoot => Workspace.Absolute(_locks["index"].Value(IndexStage.DataRoot));
    public List<SplitRow> SplitRows() => SplitFile.Read(Workspace.Absolute(_locks["split"].Outputs[SplitStage.SplitCsv].Path));
    public string PreparedPath => Workspace.Absolute(_locks["prepare"].Outputs[PrepareStage.Images].Path);

    /// <summary>The prepared images; a cache file that fails its check is rebuilt (prepare rerun), never used.</summary>
    public PreparedImages Prepared()
    {
        if (_prepared is not null) return _prepared;
        var found = _locks["prepare"];
        string path = Workspace.Absolute(found.Outputs[PrepareStage.Images].Path);
        _prepared = PreparedFile.TryRead(path, IndexRows().Count, _spec.Preprocess.Size, out var problem);
        if (_prepared is not null) return _prepared;
        _log.Warn($"prepare: rebuilding the cache: {problem}");
        var stage = StageGraph.Get("prepare");
        var (rebuilt, _) = _cache.RunOrReuse(stage, found.Inputs, force: true, key => RunStage(stage, key));
        _locks["prepare"] = rebuilt!;
        return _prepared!;
    }

    /// <summary>Drops the in-memory pixels (a caller that copied them elsewhere, as Bench does).</summary>
    public void ForgetPrepared() => _prepared = null;

    RunFolder TrainedRun() => RunFolder.Open(Workspace.Absolute(_locks["train"].Value(TrainStage.Run)));

    public EvaluationData EvaluationData() => new(IndexRows(), DatasetFingerprint, DataRoot,
        Workspace.Absolute(_locks["index"].Outputs[IndexStage.SkippedCsv].Path), Prepared());

    /// <summary>Train → Evaluate → Publish (and every data stage before them); the run, whatever its end.</summary>
    public RunFolder TrainEvaluatePublish()
    {
        Resolve("publish");
        return Run ?? throw new MalariaLabException("train: no run folder was created");
    }

    /// <summary>Evaluates an existing complete run with its own spec (the data stages are resolved for that spec).</summary>
    public static void EvaluateRun(RunFolder run, PipelineOptions options, ILog log)
    {
        var spec = SpecLoader.LoadFile(run.File("spec.yaml"));
        var orchestrator = new Orchestrator(spec, options with { Force = false }, log);
        orchestrator.Resolve("prepare");
        EvaluateStage.Run(run, spec, orchestrator.EvaluationData(), log);
    }

    /// <summary>Evaluate on a published run: a subset of its own split (at another threshold), or labelled data given as a
    /// folder or zip with class subfolders, which goes through Download, Extract, Index and Prepare like any source.</summary>
    public static string EvaluatePublished(RunFolder run, PipelineOptions options, double? threshold, string? subset, string? input, string? label, ILog log,
        string? thresholdRule = null)
    {
        var spec = SpecLoader.LoadFile(run.File("spec.yaml"));
        if (thresholdRule is not null)
        {
            spec = SpecLoader.Override(spec, ("evaluate.threshold_rule", thresholdRule));
            label ??= $"{thresholdRule}-threshold";
        }
        double t = threshold ?? spec.Evaluate.Threshold;
        if (input is null)
        {
            var own = new Orchestrator(spec, options with { Force = false }, log);
            own.Resolve("prepare");
            string trainedOn = RunManifest.Read(run.Path).DatasetFingerprint;
            if (own.DatasetFingerprint != trainedOn)
                throw new MalariaLabException($"{run.Path}: the data now has fingerprint {own.DatasetFingerprint[..12]}, the run was trained on {trainedOn[..Math.Min(12, trainedOn.Length)]}; its split no longer describes it");
            var split = SplitFile.Read(run.File("split.csv"));
            string s = subset ?? spec.Evaluate.Subset;
            if (s == "auto") s = split.Any(r => r.Subset == Subsets.Test) ? Subsets.Test : Subsets.Validation;
            var request = new EvaluationRequest(t, s, PublishedRunEvaluation.Label(label, t, s, null), "the run's split");
            return PublishedRunEvaluation.Write(run, spec, own.EvaluationData(), split, request, log);
        }
        if (subset is not null) throw new MalariaLabException("--subset applies to the run's own split; with --input every labelled image is scored");
        var (other, everything) = LabelledInput(spec, input, options, log);
        var labelled = new EvaluationRequest(t, Subsets.Test, PublishedRunEvaluation.Label(label, t, Subsets.Test, input), input);
        return PublishedRunEvaluation.Write(run, spec, other.EvaluationData(), everything, labelled, log);
    }

    /// <summary>Labelled data given as a folder or zip with class subfolders, through Download → Prepare with the run's
    /// preprocessing (original labels, patients from file names); every image is to be scored ("test").</summary>
    public static (Orchestrator Data, List<SplitRow> Scored) LabelledInput(ExperimentSpec spec, string input, PipelineOptions options, ILog log)
    {
        var inputSpec = SpecLoader.Override(spec, ("dataset.source", input), ("dataset.sha256", null), ("dataset.corrections", "none"), ("dataset.patient_maps_source", null));
        var other = new Orchestrator(inputSpec, options with { Force = false }, log);
        other.Resolve("prepare");
        return (other, other.IndexRows().Select(r => new SplitRow(r.Path, r.Label, r.Patient, Subsets.Test)).ToList());
    }

    /// <summary>Publishes an evaluated run with its own spec.</summary>
    public static void PublishRun(RunFolder run, ILog log) => Publisher.Publish(run, SpecLoader.LoadFile(run.File("spec.yaml")), log);
}
