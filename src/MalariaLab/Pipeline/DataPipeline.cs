using System.Globalization;
using MalariaLab.Common;
using MalariaLab.Download;
using MalariaLab.Extract;
using MalariaLab.Indexing;
using MalariaLab.Prepare;
using MalariaLab.Specs;
using MalariaLab.Splitting;

namespace MalariaLab.Pipeline;

/// <summary>The raw data as a folder, and what identifies its content.</summary>
public sealed record DataLocation(string Folder, string ContentId, string? ZipSha256);

public sealed record IndexOutput(string Folder, List<IndexRow> Rows, string Fingerprint, string DataRoot)
{
    public string IndexCsv => Path.Combine(Folder, "index.csv");
}

public sealed record SplitOutput(string Folder, List<SplitRow> Rows, string Hash)
{
    public string SplitCsv => Path.Combine(Folder, "split.csv");
}

/// <summary>Download → Extract → Index → Split for one spec. Each step reuses a finished output for the same
/// inputs (and says so) unless forced; each is also callable alone.</summary>
public sealed class DataPipeline(ExperimentSpec spec, PipelineOptions options, ILog log)
{
    const string IndexStage = "index/v1";
    const string SplitStage = "split/v1";
    readonly Workspace _workspace = new(options.Artifacts);
    Fetcher Fetcher => new(new ContentCache(_workspace.Cache), log, options.Mirror);

    public Workspace Workspace => _workspace;

    /// <summary>Download: the dataset zip into the cache (a folder source needs no download).</summary>
    public FetchResult? Download()
    {
        if (Fetcher.TryLocalPath(spec.Dataset.Source) is { } local && Directory.Exists(local))
        {
            log.Info($"download: {local} is a folder; nothing to download");
            return null;
        }
        var result = Fetcher.Fetch(new FetchRequest(spec.Dataset.Source, FileNameOf(spec.Dataset.Source), spec.Dataset.Sha256));
        log.Info($"download: {result.Path} ({result.Size:N0} bytes, sha256 {result.Sha256})");
        return result;
    }

    /// <summary>Extract: the zip into data/&lt;sha&gt;/ (skipped when already there); a folder source is used as is.</summary>
    public DataLocation Extract()
    {
        var zip = Download();
        if (zip is null)
        {
            string folder = Fetcher.TryLocalPath(spec.Dataset.Source)!;
            return new DataLocation(folder, "folder:" + FolderListingHash(folder), null);
        }
        string target = _workspace.DataFor(zip.Sha256);
        SafeZipExtractor.Extract(zip.Path, target, log: log);
        return new DataLocation(target, "zip:" + zip.Sha256, zip.Sha256);
    }

    /// <summary>Index: index.csv + skipped.csv with patients and the corrections policy applied.</summary>
    public IndexOutput Index()
    {
        var data = Extract();
        var inputs = new Dictionary<string, string>
        {
            ["data"] = data.ContentId,
            ["corrections"] = spec.Dataset.Corrections,
        };
        CorrectionLists? lists = null;
        if (spec.Dataset.Corrections != "none")
        {
            var files = new[] { PinnedFiles.TrueParasitized, PinnedFiles.TrueUninfected, PinnedFiles.FalseParasitized, PinnedFiles.FalseUninfected }
                .ToDictionary(f => f, f => FetchPinned(spec.Dataset.CorrectionsSource, f));
            foreach (var (name, file) in files) inputs[name] = file.Sha256;
            lists = new CorrectionLists(
                CorrectionLists.ReadList(files[PinnedFiles.TrueParasitized].Path), CorrectionLists.ReadList(files[PinnedFiles.TrueUninfected].Path),
                CorrectionLists.ReadList(files[PinnedFiles.FalseParasitized].Path), CorrectionLists.ReadList(files[PinnedFiles.FalseUninfected].Path));
        }
        Dictionary<string, string>? patients = null;
        if (spec.Dataset.PatientMapsSource is { } mapsSource)
        {
            patients = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in new[] { PinnedFiles.ParasitizedMap, PinnedFiles.UninfectedMap })
            {
                var file = FetchPinned(mapsSource, name);
                inputs[name] = file.Sha256;
                foreach (var (cell, patient) in PatientMaps.Parse(file.Path)) patients[cell] = patient;
            }
        }

        string key = StageRecord.KeyOf(IndexStage, inputs);
        string folder = _workspace.IndexFolder(key);
        if (!options.Force && StageRecord.ReadFinished(folder) is { } done)
        {
            log.Info($"index: unchanged inputs, reusing {folder}");
            var rows = IndexFile.Read(Path.Combine(folder, "index.csv"));
            PrintCounts(rows);
            return new IndexOutput(folder, rows, done.Values["fingerprint"], DatasetIndexer.FindDataRoot(data.Folder));
        }
        var result = DatasetIndexer.Build(data.Folder, spec.Dataset.Corrections, lists, patients, log);
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "index.csv"), IndexFile.ToCsv(result.Rows));
        AtomicFile.WriteAllText(Path.Combine(folder, "skipped.csv"), IndexFile.SkippedToCsv(result.Skipped));
        WriteRecord(folder, IndexStage, key, inputs, ["index.csv", "skipped.csv"], ("fingerprint", result.Fingerprint));
        log.Info($"index: {Path.Combine(folder, "index.csv")} (dataset fingerprint {result.Fingerprint})");
        return new IndexOutput(folder, result.Rows, result.Fingerprint, result.DataRoot);
    }

    /// <summary>Split: split.csv from the index, the split section and the seed.</summary>
    public SplitOutput Split() => Split(Index());

    /// <summary>Prepare: every indexed image decoded and resized, from the cache when it is intact.</summary>
    public PreparedImages PrepareImages(IndexOutput index) =>
        PrepareStage.LoadOrBuild(_workspace.PreparedFile(PreparedKey(index)), index.Rows, index.DataRoot, spec.Preprocess, log, options.Force);

    public string PreparedKey(IndexOutput index) => PrepareStage.Key(index.Fingerprint, spec.Preprocess);

    public SplitOutput Split(IndexOutput index)
    {
        var inputs = new Dictionary<string, string>
        {
            ["index"] = index.Fingerprint,
            ["seed"] = spec.Seed.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (path, value) in spec.Values.InSchemaOrder.Where(p => p.Key.StartsWith("split.", StringComparison.Ordinal)))
            inputs[path] = SpecWriter.Format(value);
        string key = StageRecord.KeyOf(SplitStage, inputs);
        string folder = _workspace.SplitFolder(key);
        List<SplitRow> rows;
        if (!options.Force && StageRecord.ReadFinished(folder) is not null)
        {
            log.Info($"split: unchanged inputs, reusing {folder}");
            rows = SplitFile.Read(Path.Combine(folder, "split.csv"));
        }
        else
        {
            rows = Splitter.Split(index.Rows, spec.Split, spec.Seed);
            Directory.CreateDirectory(folder);
            AtomicFile.WriteAllText(Path.Combine(folder, "split.csv"), SplitFile.ToCsv(rows));
            WriteRecord(folder, SplitStage, key, inputs, ["split.csv"]);
        }
        string hash = SplitFile.Hash(rows);
        foreach (var line in SplitFile.Summary(rows)) log.Info(line);
        log.Info($"split: {Path.Combine(folder, "split.csv")} (split hash {hash})");
        return new SplitOutput(folder, rows, hash);
    }

    FetchResult FetchPinned(string baseSource, string name) =>
        Fetcher.Fetch(new FetchRequest(PinnedFiles.Join(baseSource, name), name, PinnedFiles.Sha256[name]));

    void PrintCounts(List<IndexRow> rows)
    {
        foreach (var label in Labels.All) log.Info($"{label}: {rows.Count(r => r.Label == label)} images");
        log.Info($"total: {rows.Count} images, {rows.Select(r => r.Patient).Distinct().Count()} patients");
    }

    static void WriteRecord(string folder, string stage, string key, Dictionary<string, string> inputs, string[] outputs, params (string Name, string Value)[] values) =>
        new StageRecord(stage, key, inputs,
            outputs.ToDictionary(o => o, o => Hashing.Sha256OfFile(Path.Combine(folder, o))),
            values.ToDictionary(v => v.Name, v => v.Value)).Write(folder);

    static string FileNameOf(string source)
    {
        string name = Uri.TryCreate(source, UriKind.Absolute, out var uri) && !uri.IsFile ? Path.GetFileName(uri.AbsolutePath) : Path.GetFileName(source);
        return name.Length == 0 ? "dataset.zip" : name;
    }

    /// <summary>Identifies a folder source by its listing (relative paths, sizes, write times).</summary>
    static string FolderListingHash(string folder) =>
        Hashing.Sha256Hex(string.Join("\n", Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => new FileInfo(f))
            .Select(f => $"{Path.GetRelativePath(folder, f.FullName).Replace('\\', '/')},{f.Length},{f.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal)));
}
