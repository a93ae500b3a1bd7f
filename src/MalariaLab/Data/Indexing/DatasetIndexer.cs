using System.Collections.Concurrent;
using MalariaLab.Foundation.Common;
using MalariaLab.Data.Imaging;

namespace MalariaLab.Data.Indexing;

public sealed record IndexResult(List<IndexRow> Rows, List<SkippedFile> Skipped, string DataRoot)
{
    public string Fingerprint { get; } = IndexFile.Fingerprint(Rows);
}

/// <summary>Walks Parasitized/ and Uninfected/ under a data folder: every readable image becomes a row
/// (class, patient, size, SHA-256, label after corrections); everything else is listed with a reason.</summary>
public static class DatasetIndexer
{
    public static IndexResult Build(string folder, string corrections, CorrectionLists? lists, IReadOnlyDictionary<string, string>? patients, ILog log)
    {
        string root = FindDataRoot(folder);
        ReportIgnoredFolders(folder, root, log);
        var found = new List<(string Path, string Class)>();
        var rows = new ConcurrentBag<IndexRow>();
        var skipped = new ConcurrentBag<SkippedFile>();
        foreach (var label in Labels.All)
        {
            // A class folder that is a link must stay inside the source (Directory.Exists follows links).
            if (RefusedLink(Path.Combine(root, label), folder) is { } refused)
                throw new MalariaLabException($"{Path.Combine(root, label)}: class folder {refused}");
            foreach (var name in Directory.EnumerateFiles(Path.Combine(root, label)).Select(Path.GetFileName).Order(StringComparer.Ordinal))
            {
                string path = $"{label}/{name}";
                if (RefusedLink(Path.Combine(root, label, name!), folder) is { } reason)
                {
                    log.Warn($"index: {path}: {reason}");
                    skipped.Add(new SkippedFile(path, SkipCode.RefusedLink, reason));
                }
                else if (IsOsMetadata(name!)) skipped.Add(new SkippedFile(path, SkipCode.OsMetadata, "ignored: operating-system metadata file"));
                else found.Add((path, label));
            }
        }

        int done = 0;
        var progress = new ProgressMeter(log, "index", found.Count, unit: "images");
        Parallel.ForEach(found, file =>
        {
            var outcome = Inspect(root, file.Path, file.Class, corrections, lists, patients);
            if (outcome.Row is not null) rows.Add(outcome.Row);
            else skipped.Add(outcome.Skip!);
            progress.Report(Interlocked.Increment(ref done));
        });
        progress.Finish(done);

        var ordered = rows.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
        var skippedOrdered = skipped.OrderBy(s => s.Path, StringComparer.Ordinal).ToList();
        // The same bytes in both class folders: one image with two labels (kept, as the data set has it, but said).
        var bothClasses = ordered.GroupBy(r => r.Sha256).Where(g => g.Select(r => r.Class).Distinct().Count() > 1).ToList();
        if (bothClasses.Count > 0)
            log.Warn($"index: {Plural.Of(bothClasses.Count, "image")} in both class folders, byte for byte (e.g. {string.Join(" = ", bothClasses[0].Select(r => r.Path))}): the same cell labelled twice");
        foreach (var label in Labels.All)
            if (!ordered.Any(r => r.Class == label))
            {
                int excluded = skippedOrdered.Count(s => s.Path.StartsWith(label + "/") && s.Code.IsExcludedByCorrections());
                throw new MalariaLabException($"{Path.Combine(root, label)}: no readable images in class folder '{label}'" +
                    (excluded > 0 ? $" ({excluded} excluded by the corrections policy)" : ""));
            }
        Report(ordered, skippedOrdered, corrections, lists, patients, log);
        return new IndexResult(ordered, skippedOrdered, root);
    }

    /// <summary>The folder that holds both class folders: the given one or up to two levels below it
    /// (the official zip nests them in cell_images/).</summary>
    public static string FindDataRoot(string folder)
    {
        if (!Directory.Exists(folder)) throw new MalariaLabException($"{folder}: data folder not found");
        var candidates = new[] { folder }
            .Concat(Folders(folder))
            .Concat(Folders(folder).SelectMany(Folders))
            .Where(d => Labels.All.Any(l => Directory.Exists(Path.Combine(d, l))))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (candidates.Count == 0)
        {
            // Folder names are case-sensitive: name the near misses (parasitized/, UNINFECTED/) instead of only what is missing.
            var nearMisses = new[] { folder }.Concat(Folders(folder)).SelectMany(Folders)
                .Where(d => Labels.All.Any(l => string.Equals(Path.GetFileName(d), l, StringComparison.OrdinalIgnoreCase)))
                .Select(d => Path.GetRelativePath(folder, d) + "/").ToList();
            throw new MalariaLabException($"{folder}: no class folders found; expected '{Labels.Parasitized}/' and '{Labels.Uninfected}/' (here or in a subfolder such as cell_images/)" +
                (nearMisses.Count > 0 ? $"; found {string.Join(", ", nearMisses)}: class folder names are case-sensitive" : ""));
        }
        var root = candidates[0];
        foreach (var label in Labels.All)
            if (!Directory.Exists(Path.Combine(root, label)))
                throw new MalariaLabException($"{root}: class folder '{label}/' is missing (found {string.Join(", ", Labels.All.Where(l => Directory.Exists(Path.Combine(root, l))))})");
        return root;
    }

    /// <summary>Sub-folders that may hold the data: never through a link, never macOS's __MACOSX/ resource forks.</summary>
    static IEnumerable<string> Folders(string folder) =>
        Directory.EnumerateDirectories(folder).Where(d => Path.GetFileName(d) != MacOsMetadata && !FolderLinks.IsLink(d));

    const string MacOsMetadata = "__MACOSX";

    /// <summary>Files operating systems leave beside images (Finder's ._* forks and .DS_Store, Explorer's Thumbs.db and desktop.ini).</summary>
    static bool IsOsMetadata(string name) =>
        name.StartsWith("._", StringComparison.Ordinal) || name is ".DS_Store" or "Thumbs.db" or "desktop.ini";

    /// <summary>Why a file cannot be read as data: a link whose target is missing or outside the source folder.</summary>
    static string? RefusedLink(string path, string sourceFolder)
    {
        if (!FolderLinks.IsLink(path)) return null;
        string? target = FolderLinks.FinalTarget(path);
        if (target is null) return "refused: a symbolic link that leads nowhere";
        return FolderLinks.IsInside(target, sourceFolder) ? null : $"refused: a symbolic link to {target}, outside the data folder {sourceFolder}";
    }

    /// <summary>Says what was left out beside the class folders: __MACOSX/, folder links, other folders.</summary>
    static void ReportIgnoredFolders(string folder, string root, ILog log)
    {
        foreach (var dir in Directory.EnumerateDirectories(folder).Concat(folder == root ? [] : Directory.EnumerateDirectories(root)).Distinct().Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir);
            if (name == MacOsMetadata) log.Info($"index: ignored {Path.GetRelativePath(folder, dir)}/ (macOS metadata)");
            else if (FolderLinks.IsLink(dir) && !Labels.All.Contains(name)) log.Warn($"index: {Path.GetRelativePath(folder, dir)} is a symbolic link to a folder ({FolderLinks.FinalTarget(dir) ?? "missing"}); not followed");
            else if (Path.GetDirectoryName(dir) == root && !Labels.All.Contains(name))
                log.Warn($"index: folder '{name}/' beside the class folders is ignored (the classes are {string.Join(" and ", Labels.All.Select(l => l + "/"))})");
        }
    }

    sealed record Outcome(IndexRow? Row, SkippedFile? Skip);

    /// <summary>A cell crop is a few kilobytes; anything above this is refused before it is read whole.</summary>
    const long MaxImageBytes = 64 << 20;

    static Outcome Inspect(string root, string path, string cls, string corrections, CorrectionLists? lists, IReadOnlyDictionary<string, string>? patients)
    {
        string name = path[(path.IndexOf('/') + 1)..];
        if (!name.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            return new(null, new SkippedFile(path, SkipCode.NotPng, "not a .png file"));
        string full = Path.Combine(root, path);
        if (FileKinds.Of(full) is var kind && kind != FileKind.Regular)
            return new(null, new SkippedFile(path, SkipCode.NotRegular, $"not a regular file: {FileKinds.Describe(kind)}"));
        byte[] bytes;
        try { bytes = FileKinds.ReadRegular(full, MaxImageBytes, "an image"); }
        catch (MalariaLabException e) { return new(null, new SkippedFile(path, SkipCode.Unreadable, e.Message[(full.Length + 2)..])); }
        RgbImage image;
        try
        {
            image = ImageDecoder.Decode(bytes, path);
        }
        catch (MalariaLabException e)
        {
            return new(null, new SkippedFile(path, SkipCode.Unreadable, e.Message[(path.Length + 2)..]));
        }
        var (label, correction, excluded) = ApplyCorrections(name, cls, corrections, lists);
        if (label is null) return new(null, new SkippedFile(path, excluded!.Value, correction));
        string patient = patients is not null && patients.TryGetValue(name, out var id) ? id : PatientMaps.FromFileName(name);
        return new(new IndexRow(path, cls, label, patient, image.Width, image.Height, Hashing.Sha256Hex(bytes), correction), null);
    }

    /// <summary>The label after the corrections policy, and which list decided it. A null label means excluded, and why.</summary>
    static (string? Label, string Correction, SkipCode? Excluded) ApplyCorrections(string name, string cls, string policy, CorrectionLists? lists)
    {
        if (policy == "none" || lists is null) return (cls, "none", null);
        bool parasitized = cls == Labels.Parasitized;
        var confirmed = parasitized ? lists.TrueParasitized : lists.TrueUninfected;
        var rejected = parasitized ? lists.FalseParasitized : lists.FalseUninfected;
        if (confirmed.Contains(name)) return (cls, "confirmed", null);
        if (rejected.Contains(name))
            return policy == "relabel"
                ? (parasitized ? Labels.Uninfected : Labels.Parasitized, "relabelled", null)
                : (null, $"excluded: in {(parasitized ? "False_parasitized" : "False_uninfected")} (Fuhad et al. 2020)", SkipCode.ExcludedFalse);
        return policy == "relabel" ? (cls, "unlisted", null) : (null, "excluded: in no True list (Fuhad et al. 2020)", SkipCode.ExcludedUnlisted);
    }

    static void Report(List<IndexRow> rows, List<SkippedFile> skipped, string corrections, CorrectionLists? lists, IReadOnlyDictionary<string, string>? patients, ILog log)
    {
        if (lists is not null && corrections != "none")
        {
            var names = rows.Select(r => r.FileName).Concat(skipped.Select(s => s.Path[(s.Path.IndexOf('/') + 1)..])).ToHashSet();
            int Listed(IReadOnlySet<string> list) => list.Count(names.Contains);
            log.Info($"True parasitized: {Listed(lists.TrueParasitized)}, False parasitized: {Listed(lists.FalseParasitized)}, " +
                     $"True uninfected: {Listed(lists.TrueUninfected)}, False uninfected: {Listed(lists.FalseUninfected)}");
            int absent = lists.Count - lists.TrueParasitized.Concat(lists.TrueUninfected).Concat(lists.FalseParasitized).Concat(lists.FalseUninfected).Count(names.Contains);
            if (absent > 0) log.Info($"corrections lists name {absent} files that are not in this data set (expected for a subset)");
        }
        if (patients is not null)
        {
            int unmapped = rows.Count(r => !patients.ContainsKey(r.FileName));
            if (unmapped > 0) log.Warn($"{unmapped} images are not in the patient maps; their patient is the file name prefix before _IMG");
        }
        foreach (var group in skipped.GroupBy(s => s.Code.IsExcludedByCorrections() ? "excluded by corrections" : s.Reason).OrderBy(g => g.Key, StringComparer.Ordinal))
            log.Info($"skipped {group.Count()}: {group.Key}{(group.Count() <= 3 ? " (" + string.Join(", ", group.Select(g => g.Path)) + ")" : "")}");
        foreach (var label in Labels.All)
            log.Info($"{label}: {Plural.Of(rows.Count(r => r.Label == label), "image")}");
        log.Info($"total: {Plural.Of(rows.Count, "image")}, {Plural.Of(rows.Select(r => r.Patient).Distinct().Count(), "patient")}");
    }
}
