namespace MalariaLab.Foundation.Common;

/// <summary>Symbolic links in a data folder: what they point at, and whether that stays inside a root. Data is read
/// only through links whose final target is inside the source folder; a link to a folder is never walked.</summary>
public static class FolderLinks
{
    public static bool IsLink(string path)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        return info.LinkTarget is not null;
    }

    /// <summary>The link's final target (links followed to the end), or null when it leads nowhere.</summary>
    public static string? FinalTarget(string path)
    {
        try
        {
            var target = Directory.Exists(path) ? Directory.ResolveLinkTarget(path, returnFinalTarget: true) : File.ResolveLinkTarget(path, returnFinalTarget: true);
            return target?.Exists == true ? Path.GetFullPath(target.FullName) : null;
        }
        catch (IOException)
        {
            return null; // a loop of links
        }
    }

    public static bool IsInside(string path, string root)
    {
        string full = Path.GetFullPath(path), top = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        return full == top || full.StartsWith(top + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>The folders directly in <paramref name="path"/> that are real folders, not links to one (an experiment's
    /// runs/NAME/latest is a link to its latest run: listing runs must not count it twice).</summary>
    public static string[] Subfolders(string path) => [.. Directory.GetDirectories(path).Where(d => !IsLink(d))];

    /// <summary>Every link (to a file or a folder) under a root, found without descending through any of them.</summary>
    public static IEnumerable<string> LinksUnder(string root) =>
        new[] { root }.Concat(Directory.EnumerateDirectories(root, "*", NoLinks))
            .SelectMany(dir => Directory.EnumerateFileSystemEntries(dir).Where(IsLink));

    /// <summary>Recursive enumeration that never descends through a link (a link to / would otherwise walk /proc).</summary>
    public static readonly EnumerationOptions NoLinks = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        IgnoreInaccessible = false,
    };
}
