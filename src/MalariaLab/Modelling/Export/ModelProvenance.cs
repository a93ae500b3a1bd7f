namespace MalariaLab.Modelling.Export;

/// <summary>Where a model file comes from, in terms that two reproductions share: spec hash, dataset fingerprint, split
/// hash and code identity. The run manifest links a run to its files (by SHA-256); the files do not name the run.</summary>
public sealed record ModelProvenance(string SpecHash, string DatasetFingerprint, string SplitHash, string Code)
{
    public IEnumerable<(string Key, string Value)> Pairs()
    {
        yield return ("spec_hash", SpecHash);
        yield return ("dataset_fingerprint", DatasetFingerprint);
        yield return ("split_hash", SplitHash);
        yield return ("code", Code);
    }
}
