using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.RunCache;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.Data.Download;

/// <summary>Download: the dataset zip, and the correction lists and patient maps the spec asks for, into the
/// content-addressed cache (a folder source is used where it is). Outputs are named by content: the zip's SHA-256,
/// or a folder's listing hash.</summary>
public static class DownloadStage
{
    public const string Dataset = "dataset";

    public static readonly StageDefinition Definition = new("download", 1,
        "Fetch the dataset zip and the correction lists / patient maps the spec names into the content cache.",
        [SpecKeys.Dataset.Source, SpecKeys.Dataset.Sha256, SpecKeys.Dataset.Corrections, SpecKeys.Dataset.CorrectionsSource, SpecKeys.Dataset.PatientMapsSource],
        [], ["cache/<sha256>/<file>"])
    {
        Run = (c, _) => Run(c.Spec.Dataset, c.Service<Fetcher>(), c.Log, c.Cancel),
        ExtraInputs = c => SourceInputs(c.Spec.Dataset).Select(i => (i.Key, i.Value)),
    };

    /// <summary>What identifies the source beyond the spec text, read without fetching: a local file with no pinned
    /// hash by size and write time, a folder by its listing (so an edited copy at the same path is fetched again).</summary>
    public static Dictionary<string, string> SourceInputs(DatasetSpec dataset)
    {
        var inputs = new Dictionary<string, string>();
        if (Fetcher.TryLocalPath(dataset.Source) is not { } local) return inputs;
        if (Directory.Exists(local)) inputs["source_listing"] = FolderListingHash(local);
        else if (dataset.Sha256 is null && File.Exists(local))
        {
            var info = new FileInfo(local);
            inputs["source_stat"] = $"{info.Length},{info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}";
        }
        return inputs;
    }

    public static StageResult Run(DatasetSpec dataset, Fetcher fetcher, ILog log, CancellationToken cancel = default)
    {
        var outputs = new Dictionary<string, LockedOutput>();
        if (Fetcher.TryLocalPath(dataset.Source) is { } local && Directory.Exists(local))
            outputs[Dataset] = new LockedOutput(local, "folder:" + FolderListingHash(local), false);
        else
        {
            var zip = fetcher.Fetch(new FetchRequest(dataset.Source, FileNameOf(dataset.Source), dataset.Sha256), cancel);
            log.Info($"download: {zip.Path} ({zip.Size:N0} bytes, sha256 {zip.Sha256[..12]})");
            outputs[Dataset] = new LockedOutput(zip.Path, "zip:" + zip.Sha256, false);
        }
        foreach (var (name, baseSource) in AuxiliaryFiles(dataset))
        {
            var file = fetcher.Fetch(new FetchRequest(PinnedFiles.Join(baseSource, name), name, PinnedFiles.Sha256[name]), cancel);
            outputs[name] = new LockedOutput(file.Path, file.Sha256, true);
        }
        return new StageResult(outputs);
    }

    /// <summary>The pinned files this dataset section needs, with the base URL or folder each comes from.</summary>
    static IEnumerable<(string Name, string Base)> AuxiliaryFiles(DatasetSpec dataset)
    {
        if (dataset.Corrections != "none")
            foreach (var name in new[] { PinnedFiles.TrueParasitized, PinnedFiles.TrueUninfected, PinnedFiles.FalseParasitized, PinnedFiles.FalseUninfected })
                yield return (name, dataset.CorrectionsSource);
        if (dataset.PatientMapsSource is { } maps)
            foreach (var name in new[] { PinnedFiles.ParasitizedMap, PinnedFiles.UninfectedMap })
                yield return (name, maps);
    }

    static string FileNameOf(string source)
    {
        string name = Uri.TryCreate(source, UriKind.Absolute, out var uri) && !uri.IsFile ? Path.GetFileName(uri.AbsolutePath) : Path.GetFileName(source);
        return name.Length == 0 ? "dataset.zip" : name;
    }

    /// <summary>Identifies a folder source by where it is (its full path, links resolved) and its listing (relative
    /// paths, sizes, write times; links by their target), walked without descending through links. The path is part of
    /// it because two folders with the same listing are still two sources: downstream stages read the files from the
    /// path this identity stands for. Bytes changed behind an unchanged listing are caught by Prepare, which checks
    /// every image against the SHA-256 that Index recorded.</summary>
    public static string FolderListingHash(string folder) =>
        Hashing.Sha256Hex(string.Join("\n", new DirectoryInfo(folder).EnumerateFiles("*", FolderLinks.NoLinks)
            .Select(f => $"{Path.GetRelativePath(folder, f.FullName).Replace('\\', '/')},{f.Length},{f.LastWriteTimeUtc.Ticks}")
            .Concat(FolderLinks.LinksUnder(folder).Select(l => $"link:{Path.GetRelativePath(folder, l)}->{FolderLinks.FinalTarget(l)}"))
            .Order(StringComparer.Ordinal)
            .Prepend("path:" + CanonicalPath(folder))));

    static string CanonicalPath(string folder)
    {
        var full = new DirectoryInfo(Path.GetFullPath(folder));
        return (full.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full.FullName).TrimEnd(Path.DirectorySeparatorChar);
    }
}
