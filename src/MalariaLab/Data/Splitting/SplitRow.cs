namespace MalariaLab.Data.Splitting;

public static class Subsets
{
    public const string Train = "train";
    public const string Validation = "validation";
    public const string Test = "test";
}

/// <summary>One image's place in the split; Fold is the patient's fold for patient-kfold, else -1.</summary>
public sealed record SplitRow(string Path, string Label, string Patient, string Subset, int Fold = -1);
