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

    /// <summary>A key's value, typed (<c>spec.Get(SpecKeys.Train.Lr)</c>).</summary>
    public T Get<T>(SpecKey<T> key) => key.Of(Values);

    public static ExperimentSpec FromValues(SortedValues v, IReadOnlyList<SweepAxis>? sweep = null)
    {
        T G<T>(SpecKey<T> key) => key.Of(v);
        return new ExperimentSpec(
            G(SpecKeys.Name), G(SpecKeys.Description), G(SpecKeys.Seed),
            new DatasetSpec(G(SpecKeys.Dataset.Source), G(SpecKeys.Dataset.Sha256), G(SpecKeys.Dataset.Corrections), G(SpecKeys.Dataset.CorrectionsSource),
                G(SpecKeys.Dataset.PatientMapsSource)),
            new SplitSpec(G(SpecKeys.Split.Strategy), G(SpecKeys.Split.Validation), G(SpecKeys.Split.Test), G(SpecKeys.Split.Folds), G(SpecKeys.Split.Fold)),
            new PreprocessSpec(G(SpecKeys.Preprocess.Size), G(SpecKeys.Preprocess.Interpolation), G(SpecKeys.Preprocess.Scale)),
            new ModelSpec(G(SpecKeys.Model.Arch), G(SpecKeys.Model.ConvDropout), G(SpecKeys.Model.DenseUnits), G(SpecKeys.Model.DenseDropout)),
            new TrainSpec(G(SpecKeys.Train.BatchSize), G(SpecKeys.Train.Epochs), G(SpecKeys.Train.Lr), G(SpecKeys.Train.Beta1), G(SpecKeys.Train.Beta2),
                G(SpecKeys.Train.Epsilon), G(SpecKeys.Train.Shuffle), G(SpecKeys.Train.Threads),
                new EarlyStoppingSpec(G(SpecKeys.Train.EarlyStoppingMonitor), G(SpecKeys.Train.EarlyStoppingPatience), G(SpecKeys.Train.EarlyStoppingMinDelta),
                    G(SpecKeys.Train.EarlyStoppingMode)),
                new MonitorSpec(G(SpecKeys.Train.CheckpointMonitor), G(SpecKeys.Train.CheckpointMode)), G(SpecKeys.Train.RestoreBest), G(SpecKeys.Train.Histograms))
            {
                Schedule = new ScheduleSpec(G(SpecKeys.Train.Schedule), G(SpecKeys.Train.WarmupEpochs), G(SpecKeys.Train.StepEpochs), G(SpecKeys.Train.Gamma),
                    G(SpecKeys.Train.MinLr), G(SpecKeys.Train.PlateauPatience)),
                WeightDecay = G(SpecKeys.Train.WeightDecay),
                LabelSmoothing = G(SpecKeys.Train.LabelSmoothing),
            },
            new EvaluateSpec(G(SpecKeys.Evaluate.Threshold), G(SpecKeys.Evaluate.Subset))
            {
                Tta = G(SpecKeys.Evaluate.Tta),
                ThresholdRule = G(SpecKeys.Evaluate.ThresholdRule),
                TemperatureScaling = G(SpecKeys.Evaluate.TemperatureScaling),
            })
        {
            Augment = new AugmentSpec(G(SpecKeys.Augment.Flips), G(SpecKeys.Augment.Brightness), G(SpecKeys.Augment.Contrast), G(SpecKeys.Augment.Saturation),
                G(SpecKeys.Augment.Hue), G(SpecKeys.Augment.Scale), G(SpecKeys.Augment.Shift)),
            Values = v,
            Sweep = sweep ?? [],
        };
    }
}
