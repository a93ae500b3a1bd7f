namespace MalariaLab.Data.Download;

/// <summary>Files stored by their SHA-256: &lt;root&gt;/&lt;sha256&gt;/&lt;file name&gt;. An entry appears by an atomic rename of
/// a verified temp file, so an entry that exists is complete.</summary>
public sealed class ContentCache(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string PartialFolder => Path.Combine(Root, "partial");

    public string PathFor(string sha256, string fileName) => Path.Combine(Root, sha256.ToLowerInvariant(), fileName);

    public bool TryGet(string sha256, string fileName, out string path)
    {
        path = PathFor(sha256, fileName);
        return File.Exists(path);
    }

    /// <summary>Moves a verified temp file into the cache (a no-op when the entry already exists).</summary>
    public string Adopt(string tempFile, string sha256, string fileName)
    {
        string target = PathFor(sha256, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(tempFile, target);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Same content arrived from a concurrent run: keep the existing entry.
        }
        if (File.Exists(tempFile)) File.Delete(tempFile);
        return target;
    }
}
