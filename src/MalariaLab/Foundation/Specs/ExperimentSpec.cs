namespace MalariaLab.Foundation.Specs;

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
/// <summary>Per-image augmentation, drawn from the seed per (epoch, image); everything 0 / none is off.</summary>
public sealed record AugmentSpec(string Flips, double Brightness, double Contrast, double Saturation, double Hue, double Scale, double Shift)
{
    public bool Enabled => Flips != "none" || Brightness > 0 || Contrast > 0 || Saturation > 0 || Hue > 0 || Scale > 0 || Shift > 0;
}
public sealed record ScheduleSpec(string Kind, int WarmupEpochs, int StepEpochs, double Gamma, double MinLr, int PlateauPatience);
public sealed record TrainSpec(int BatchSize, int Epochs, double Lr, double Beta1, double Beta2, double Epsilon, bool Shuffle,
    int Threads, EarlyStoppingSpec EarlyStopping, MonitorSpec Checkpoint, bool RestoreBest, bool Histograms)
{
    public ScheduleSpec Schedule { get; init; } = new("constant", 0, 10, 0.1, 0, 2);
    public double WeightDecay { get; init; }
    public double LabelSmoothing { get; init; }
}
public sealed record EvaluateSpec(double Threshold, string Subset)
{
    public string Tta { get; init; } = "none";
    public string ThresholdRule { get; init; } = "fixed";
    public bool TemperatureScaling { get; init; }
}

/// <summary>A sweep axis: one spec key and the values it takes, in the order written.</summary>
public sealed record SweepAxis(string Path, IReadOnlyList<object?> Values);

/// <summary>A validated experiment spec. <see cref="Values"/> holds every key (defaults filled in) for
/// writing the resolved spec and hashing it.</summary>
public sealed record ExperimentSpec(
    string Name, string Description, long Seed,
    DatasetSpec Dataset, SplitSpec Split, PreprocessSpec Preprocess, ModelSpec Model, TrainSpec Train, EvaluateSpec Evaluate)
{
    public AugmentSpec Augment { get; init; } = new("none", 0, 0, 0, 0, 0, 0);
    public required SortedValues Values { get; init; }
    public IReadOnlyList<SweepAxis> Sweep { get; init; } = [];

    /// <summary>The resolved spec as canonical YAML (every key, schema order); its hash identifies the experiment.</summary>
    public string ToYaml() => SpecWriter.Write(Values);
    public string Hash => Foundation.Common.Hashing.Sha256Hex(ToYaml());

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
                new MonitorSpec(S("train.checkpoint.monitor"), S("train.checkpoint.mode")), B("train.restore_best"), B("train.histograms"))
            {
                Schedule = new ScheduleSpec(S("train.schedule"), I("train.warmup_epochs"), I("train.step_epochs"), D("train.gamma"), D("train.min_lr"), I("train.plateau_patience")),
                WeightDecay = D("train.weight_decay"),
                LabelSmoothing = D("train.label_smoothing"),
            },
            new EvaluateSpec(D("evaluate.threshold"), S("evaluate.subset"))
            {
                Tta = S("evaluate.tta"),
                ThresholdRule = S("evaluate.threshold_rule"),
                TemperatureScaling = B("evaluate.temperature_scaling"),
            })
        {
            Augment = new AugmentSpec(S("augment.flips"), D("augment.brightness"), D("augment.contrast"), D("augment.saturation"), D("augment.hue"), D("augment.scale"), D("augment.shift")),
            Values = v,
            Sweep = sweep ?? [],
        };
    }
}
