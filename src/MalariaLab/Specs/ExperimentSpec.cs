namespace MalariaLab.Specs;

public sealed record DatasetSpec(string Source, string? Sha256, string Corrections, string CorrectionsSource, string? PatientMapsSource);
public sealed record SplitSpec(string Strategy, double Validation, double Test, int Folds, int Fold);
public sealed record PreprocessSpec(int Size, string Interpolation, double Scale);
public sealed record ModelSpec(string Arch, double ConvDropout, int DenseUnits, double DenseDropout);
public sealed record MonitorSpec(string Monitor, string Mode)
{
    /// <summary>"auto" resolved as Keras does: accuracies are maximised, losses minimised.</summary>
    public bool Maximize => Mode == "max" || (Mode == "auto" && Monitor.Contains("accuracy"));
}
public sealed record EarlyStoppingSpec(string Monitor, int Patience, double MinDelta, string Mode)
{
    public bool Enabled => Monitor != "none";
    public bool Maximize => new MonitorSpec(Monitor, Mode).Maximize;
}
public sealed record TrainSpec(int BatchSize, int Epochs, double Lr, double Beta1, double Beta2, double Epsilon, bool Shuffle,
    int Threads, EarlyStoppingSpec EarlyStopping, MonitorSpec Checkpoint, bool RestoreBest, bool Histograms);
public sealed record EvaluateSpec(double Threshold, string Subset);

/// <summary>A sweep axis: one spec key and the values it takes, in the order written.</summary>
public sealed record SweepAxis(string Path, IReadOnlyList<object?> Values);

/// <summary>A validated experiment spec. <see cref="Values"/> holds every key (defaults filled in) for
/// writing the resolved spec and hashing it.</summary>
public sealed record ExperimentSpec(
    string Name, string Description, long Seed,
    DatasetSpec Dataset, SplitSpec Split, PreprocessSpec Preprocess, ModelSpec Model, TrainSpec Train, EvaluateSpec Evaluate)
{
    public required SortedValues Values { get; init; }
    public IReadOnlyList<SweepAxis> Sweep { get; init; } = [];

    /// <summary>The resolved spec as canonical YAML (every key, schema order); its hash identifies the experiment.</summary>
    public string ToYaml() => SpecWriter.Write(Values);
    public string Hash => Common.Hashing.Sha256Hex(ToYaml());

    public static ExperimentSpec FromValues(SortedValues v, IReadOnlyList<SweepAxis>? sweep = null)
    {
        string S(string p) => (string)v[p]!;
        int I(string p) => checked((int)(long)v[p]!);
        double D(string p) => (double)v[p]!;
        bool B(string p) => (bool)v[p]!;
        return new ExperimentSpec(
            S("name"), S("description"), (long)v["seed"]!,
            new DatasetSpec(S("dataset.source"), (string?)v["dataset.sha256"], S("dataset.corrections"), S("dataset.corrections_source"), (string?)v["dataset.patient_maps_source"]),
            new SplitSpec(S("split.strategy"), D("split.validation"), D("split.test"), I("split.folds"), I("split.fold")),
            new PreprocessSpec(I("preprocess.size"), S("preprocess.interpolation"), D("preprocess.scale")),
            new ModelSpec(S("model.arch"), D("model.conv_dropout"), I("model.dense_units"), D("model.dense_dropout")),
            new TrainSpec(I("train.batch_size"), I("train.epochs"), D("train.lr"), D("train.beta1"), D("train.beta2"), D("train.epsilon"),
                B("train.shuffle"), I("train.threads"),
                new EarlyStoppingSpec(S("train.early_stopping.monitor"), I("train.early_stopping.patience"), D("train.early_stopping.min_delta"), S("train.early_stopping.mode")),
                new MonitorSpec(S("train.checkpoint.monitor"), S("train.checkpoint.mode")), B("train.restore_best"), B("train.histograms")),
            new EvaluateSpec(D("evaluate.threshold"), S("evaluate.subset")))
        {
            Values = v,
            Sweep = sweep ?? [],
        };
    }
}
