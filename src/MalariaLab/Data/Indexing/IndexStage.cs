using MalariaLab.Foundation.Specs;
using MalariaLab.Foundation.Common;
using MalariaLab.Data.Download;
using MalariaLab.RunCache;

namespace MalariaLab.Data.Indexing;

/// <summary>Index: every image with class, label after the corrections policy, patient, size and SHA-256 →
/// index.csv; unreadable or excluded files → skipped.csv. Values: the dataset fingerprint and the data root.</summary>
public static class IndexStage
{
    public const string IndexCsv = "index.csv", SkippedCsv = "skipped.csv", Fingerprint = "dataset_fingerprint", DataRoot = "data_root";

    public static readonly StageDefinition Definition = new("index", 2,
        "Index every image (class, label after corrections, patient, size, SHA-256); unreadable files to skipped.csv.",
        [SpecKeys.Dataset.Corrections], ["download", "extract"], ["index/<key>/index.csv", "index/<key>/skipped.csv"])
    {
        Run = (c, key) =>
        {
            var auxiliary = c.Lock("download").Outputs.Where(o => o.Key != DownloadStage.Dataset).ToDictionary(o => o.Key, o => c.Workspace.Absolute(o.Value.Path));
            c.Forget(RowsMemo);
            return Run(Extract.ExtractStage.DataFolder(c), c.Spec.Dataset.Corrections, auxiliary, c.Workspace.IndexFolder(key), c.Log);
        },
        OnReused = (c, found) =>
        {
            c.Log.Info($"index: up to date (dataset fingerprint {found.Value(Fingerprint)[..12]})");
            foreach (var line in Counts(Rows(c))) c.Log.Info(line);
        },
    };

    const string RowsMemo = "index-rows";

    /// <summary>The index of this walk, read once.</summary>
    public static IReadOnlyList<IndexRow> Rows(IStageContext c) =>
        c.Memo<IReadOnlyList<IndexRow>>(RowsMemo, () => IndexFile.Read(c.Workspace.Absolute(c.Lock("index").Outputs[IndexCsv].Path)));

    public static string DatasetFingerprint(IStageContext c) => c.Lock("index").Value(Fingerprint);
    public static string DataRootOf(IStageContext c) => c.Workspace.Absolute(c.Lock("index").Value(DataRoot));
    public static string SkippedCsvOf(IStageContext c) => c.Workspace.Absolute(c.Lock("index").Outputs[SkippedCsv].Path);

    /// <summary>Indexes <paramref name="dataFolder"/> with the auxiliary files Download fetched (name → path).</summary>
    public static StageResult Run(string dataFolder, string corrections, IReadOnlyDictionary<string, string> auxiliaryFiles, string outputFolder, ILog log)
    {
        CorrectionLists? lists = corrections == "none" ? null : new CorrectionLists(
            CorrectionLists.ReadList(auxiliaryFiles[PinnedFiles.TrueParasitized]), CorrectionLists.ReadList(auxiliaryFiles[PinnedFiles.TrueUninfected]),
            CorrectionLists.ReadList(auxiliaryFiles[PinnedFiles.FalseParasitized]), CorrectionLists.ReadList(auxiliaryFiles[PinnedFiles.FalseUninfected]));
        Dictionary<string, string>? patients = null;
        if (auxiliaryFiles.ContainsKey(PinnedFiles.ParasitizedMap))
        {
            patients = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in new[] { PinnedFiles.ParasitizedMap, PinnedFiles.UninfectedMap })
                foreach (var (cell, patient) in PatientMaps.Parse(auxiliaryFiles[name])) patients[cell] = patient;
        }
        var result = DatasetIndexer.Build(dataFolder, corrections, lists, patients, log);
        Directory.CreateDirectory(outputFolder);
        string index = Path.Combine(outputFolder, IndexCsv), skipped = Path.Combine(outputFolder, SkippedCsv);
        AtomicFile.WriteAllText(index, IndexFile.ToCsv(result.Rows));
        AtomicFile.WriteAllText(skipped, IndexFile.SkippedToCsv(result.Skipped));
        log.Info($"index: {index} (dataset fingerprint {result.Fingerprint[..12]})");
        return new StageResult(
            new Dictionary<string, LockedOutput> { [IndexCsv] = StageCache.HashedFile(index), [SkippedCsv] = StageCache.HashedFile(skipped) },
            new Dictionary<string, string> { [Fingerprint] = result.Fingerprint, [DataRoot] = result.DataRoot });
    }

    /// <summary>Class and patient counts, printed when the index is built or reused.</summary>
    public static IEnumerable<string> Counts(IReadOnlyList<IndexRow> rows) =>
        Labels.All.Select(label => $"{label}: {Plural.Of(rows.Count(r => r.Label == label), "image")}")
            .Append($"total: {Plural.Of(rows.Count, "image")}, {Plural.Of(rows.Select(r => r.Patient).Distinct().Count(), "patient")}");
}
