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
/// fingerprints and its extra inputs; the stage cache reuses a finished output for the same inputs (after the stage's
/// own check of it) or runs the stage. The stages run themselves (<see cref="StageDefinition.Run"/>); this walker
/// knows none of them by name and gives each the context it reads from.</summary>
public sealed class Orchestrator : IStageContext
{
    readonly PipelineOptions _options;
    readonly RunSettings _settings;
    readonly StageCache _cache;
    readonly Dictionary<string, StageLock> _locks = [];
    readonly Dictionary<string, object> _memo = [];
    readonly Dictionary<Type, object> _services = [];
    bool _cleaned;

    public Orchestrator(ExperimentSpec spec, PipelineOptions options, ILog log, RunSettings? settings = null, CancellationToken cancel = default)
    {
        Spec = spec;
        _options = options;
        Log = log;
        _settings = settings ?? RunSettings.Default;
        Cancel = cancel;
        _cache = new StageCache(new Workspace(options.Artifacts));
        _services[typeof(Fetcher)] = new Fetcher(new ContentCache(Workspace.Cache), log, options.Mirror, options.Http);
        _services[typeof(TrainSettings)] = new TrainSettings(Threads);
    }

    public ExperimentSpec Spec { get; }
    public ILog Log { get; }
    public CancellationToken Cancel { get; }
    public Workspace Workspace => _cache.Workspace;
    /// <summary>The run folder Train created or reused in this walk (also when it ended incomplete).</summary>
    public RunFolder? Run => _memo.GetValueOrDefault(TrainStage.RunMemo) as RunFolder;
    public int Threads => _settings.Threads ?? (Spec.Train.Threads == 0 ? Environment.ProcessorCount : Spec.Train.Threads);

    /// <summary>Brings a stage and everything upstream of it up to date; null when a stage stopped early
    /// (training cancelled).</summary>
    public StageLock? Resolve(string stageName)
    {
        if (_locks.TryGetValue(stageName, out var known)) return known;
        var stage = StageGraph.Get(stageName);
        foreach (var upstream in stage.Upstream)
            if (Resolve(upstream) is null) return null;
        bool force = _options.Force || (_settings.Rerun?.Contains(stage.Name) ?? false);
        var inputs = InputsOf(stage, withUpstream: true);
        var (found, reused) = _cache.RunOrReuse(stage, inputs, force, key => RunStage(stage, key));
        if (reused && stage.CheckReused?.Invoke(this, found!) is { } problem)
        {
            Log.Warn($"{stage.Name}: not reused: {problem}; running it again");
            (found, reused) = _cache.RunOrReuse(stage, inputs, force: true, key => RunStage(stage, key));
        }
        if (found is null) return null;
        _locks[stage.Name] = found;
        if (reused) (stage.OnReused ?? ((c, _) => c.Log.Info($"{stage.Name}: up to date")))(this, found);
        ExperimentLocks.Record(Workspace, Spec.Name, found);
        return found;
    }

    /// <summary>Status walks the graph without running: it hands over the locks it found so far.</summary>
    public void Seed(IReadOnlyDictionary<string, StageLock> locks)
    {
        foreach (var (name, found) in locks) _locks[name] = found;
    }

    /// <summary>The stage's inputs: the spec keys it reads, its upstream fingerprints, and its extras.</summary>
    public Dictionary<string, string> InputsOf(StageDefinition stage, bool withUpstream)
    {
        var inputs = new Dictionary<string, string>();
        foreach (var (path, value) in Spec.Values.InSchemaOrder)
            if (stage.Reads(path)) inputs[path] = SpecWriter.Format(value);
        if (withUpstream)
            foreach (var upstream in stage.Upstream) inputs[StageDefinition.UpstreamInput(upstream)] = _locks[upstream].Fingerprint;
        foreach (var (name, value) in stage.ExtraInputs?.Invoke(this) ?? []) inputs[name] = value;
        return inputs;
    }

    StageResult? RunStage(StageDefinition stage, string key)
    {
        Cancel.ThrowIfCancellationRequested();
        if (!_cleaned) { TempFiles.CleanOrphans(Workspace.Root, Log); _cleaned = true; }
        return stage.Run(this, key);
    }

    // IStageContext
    public StageLock Lock(string stage) => _locks.TryGetValue(stage, out var found) ? found
        : throw new InvalidOperationException($"stage '{stage}' is not resolved in this walk");
    public StageLock? TryLock(string stage) => _locks.GetValueOrDefault(stage);
    public T Memo<T>(string name, Func<T> create) where T : class
    {
        if (_memo.TryGetValue(name, out var known)) return (T)known;
        var made = create();
        _memo[name] = made;
        return made;
    }
    public void Remember(string name, object value) => _memo[name] = value;
    public void Forget(string name) => _memo.Remove(name);
    public T Service<T>() where T : class =>
        _services.TryGetValue(typeof(T), out var service) ? (T)service : throw new InvalidOperationException($"no {typeof(T).Name} was registered with the orchestrator");

    /// <summary>Where a resolved stage's named output is.</summary>
    public string OutputPath(string stage, string output) => Workspace.Absolute(_locks[stage].Outputs[output].Path);

    public IReadOnlyList<IndexRow> IndexRows() => IndexStage.Rows(this);
    public string DatasetFingerprint => IndexStage.DatasetFingerprint(this);
    public string DataRoot => IndexStage.DataRootOf(this);
    public List<SplitRow> SplitRows() => SplitStage.Rows(this);
    public string PreparedPath => PrepareStage.PathOf(this);

    /// <summary>The prepared pixels of this walk (verified against the prepare lock when it was reused).</summary>
    public PreparedImages Prepared() => PrepareStage.ImagesOf(this);

    /// <summary>Drops the in-memory pixels (a caller that copied them elsewhere, as Bench does).</summary>
    public void ForgetPrepared() => Forget("prepared-images");

    public EvaluationData EvaluationData() => EvaluateStage.DataOf(this);

    /// <summary>Train → Evaluate → Publish (and every data stage before them); the run, whatever its end.</summary>
    public RunFolder TrainEvaluatePublish()
    {
        Resolve("publish");
        return Run ?? throw new MalariaLabException("train: no run folder was created");
    }
}
