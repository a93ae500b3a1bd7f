using System.Globalization;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Foundation.Runs;

/// <summary>&lt;artifacts&gt;/runs/&lt;experiment&gt;/&lt;run-id&gt;/. Ids are UTC times (so they sort by time) plus a
/// counter; a run claims its id by creating a file with CreateNew, so two concurrent runs never share one.</summary>
public sealed class RunFolder
{
    public string Path { get; }
    public string Id { get; }

    RunFolder(string path) { Path = path; Id = System.IO.Path.GetFileName(path); }

    public static RunFolder Open(string path)
    {
        if (!Directory.Exists(path)) throw new MalariaLabException($"{path}: run folder not found");
        return new RunFolder(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path)));
    }

    public static RunFolder Create(string experimentRuns, DateTimeOffset now)
    {
        Directory.CreateDirectory(experimentRuns);
        string stamp = now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        for (int n = 1; ; n++)
        {
            string id = $"{stamp}-{n:D2}";
            string folder = System.IO.Path.Combine(experimentRuns, id);
            Directory.CreateDirectory(folder);
            try
            {
                using var claim = new FileStream(System.IO.Path.Combine(folder, ".claim"), FileMode.CreateNew);
                claim.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
                return new RunFolder(folder);
            }
            catch (IOException) when (System.IO.File.Exists(System.IO.Path.Combine(folder, ".claim")))
            {
                // Taken by another run started in the same second: try the next counter.
            }
        }
    }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);
    public string Weights => File("weights");
    public string BestWeights => File("weights/best.bin");
    public string LastWeights => File("weights/last.bin");

    /// <summary>SHA-256 of every file under <paramref name="relativeFolder"/> (or the whole run), '/'-separated keys.</summary>
    public SortedDictionary<string, string> HashFiles(string relativeFolder = "")
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string start = File(relativeFolder);
        if (!Directory.Exists(start)) return files;
        foreach (var file in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories))
        {
            string rel = System.IO.Path.GetRelativePath(Path, file).Replace('\\', '/');
            if (rel is RunManifest.FileName or RunSeal.ManifestSeal or ".claim" || System.IO.Path.GetFileName(rel).StartsWith('.')) continue;
            // Later evaluations live beside the sealed files, each with its own manifest (evaluation.json).
            if (relativeFolder.Length == 0 && rel.StartsWith(EvaluationManifest.Folder + "/", StringComparison.Ordinal)) continue;
            files[rel] = Hashing.Sha256OfFile(file);
        }
        return files;
    }
}
