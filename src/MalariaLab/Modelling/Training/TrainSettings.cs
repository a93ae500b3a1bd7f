namespace MalariaLab.Modelling.Training;

/// <summary>How this process trains, beside the spec: the thread count (the spec's, or one the caller fixed, as
/// Reproduce does with the original run's).</summary>
public sealed record TrainSettings(int Threads);
