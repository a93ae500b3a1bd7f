using System.IO.Compression;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Data.Extract;

/// <summary>Extracts a zip without trusting it: no entry may escape the target (zip-slip), be an absolute
/// path or a link; entry count and uncompressed bytes are capped (bytes counted while copying, not taken
/// from the header). Extracts into a temp folder and renames it into place, so the target either does
/// not exist or is complete.</summary>
public static class SafeZipExtractor
{
    public static void Extract(string zipPath, string target, ZipLimits? limits = null, ILog? log = null)
    {
        limits ??= new ZipLimits();
        target = Path.GetFullPath(target);
        if (Directory.Exists(target))
        {
            log?.Info($"extract: {target} already exists, skipped");
            return;
        }
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, TempFiles.NameFor(Path.GetFileName(target)));
        try
        {
            Directory.CreateDirectory(temp);
            ExtractInto(zipPath, temp, limits, log);
            try
            {
                Directory.Move(temp, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another process extracted the same zip meanwhile; its complete copy wins, ours is discarded.
                log?.Info($"extract: {target} appeared meanwhile (another run), using it");
            }
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    static void ExtractInto(string zipPath, string root, ZipLimits limits, ILog? log)
    {
        ZipArchive archive;
        IReadOnlyList<ZipArchiveEntry> entries;
        try
        {
            archive = ZipFile.OpenRead(zipPath);
            entries = archive.Entries; // reads the central directory: a corrupt one fails here
        }
        catch (InvalidDataException e)
        {
            throw new MalariaLabException($"{zipPath}: not a readable zip ({e.Message})", e);
        }
        using (archive)
        {
            if (entries.Count > limits.MaxEntries)
                throw new MalariaLabException($"{zipPath}: {entries.Count} entries, more than the limit of {limits.MaxEntries} (zip bomb?)");
            string rootWithSlash = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
            long total = 0;
            var buffer = new byte[1 << 16];
            foreach (var entry in entries)
            {
                // Some Windows tools write '\\' separators; they mean folders, never part of a name.
                string name = entry.FullName.Replace('\\', '/');
                CheckName(zipPath, name, entry);
                string destination = Path.GetFullPath(Path.Combine(root, name));
                if (!destination.StartsWith(rootWithSlash, StringComparison.Ordinal))
                    throw new MalariaLabException($"{zipPath}: entry '{name}' would be written outside the target folder (zip-slip); refused");
                if (name.EndsWith('/'))
                {
                    if (File.Exists(destination)) throw new MalariaLabException($"{zipPath}: entry '{name}' is a folder and a file; refused");
                    CreateFolder(zipPath, name, destination, root);
                    continue;
                }
                CreateFolder(zipPath, name, Path.GetDirectoryName(destination)!, root);
                if (File.Exists(destination))
                    throw new MalariaLabException($"{zipPath}: entry '{name}' appears twice");
                try
                {
                    using var input = entry.Open();
                    using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
                    long written = 0;
                    int read;
                    var crc = new Crc32();
                    while ((read = input.Read(buffer)) > 0)
                    {
                        written += read;
                        total += read;
                        if (total > limits.MaxTotalBytes)
                            throw new MalariaLabException($"{zipPath}: uncompressed size exceeds the limit of {limits.MaxTotalBytes} bytes (zip bomb?)");
                        if (written > 1 << 20 && written > limits.MaxRatio * Math.Max(entry.CompressedLength, 1))
                            throw new MalariaLabException($"{zipPath}: entry '{name}' expands more than {limits.MaxRatio}x (zip bomb?)");
                        crc.Append(buffer.AsSpan(0, read));
                        output.Write(buffer, 0, read);
                    }
                    // The bytes must be the ones the archive recorded: a flipped bit in a stored entry decompresses "fine".
                    if (written != entry.Length)
                        throw new MalariaLabException($"{zipPath}: entry '{name}' gave {written} bytes, the zip says {entry.Length} (corrupt)");
                    if (crc.Value != entry.Crc32)
                        throw new MalariaLabException($"{zipPath}: entry '{name}' fails its CRC-32 check (0x{crc.Value:X8}, the zip says 0x{entry.Crc32:X8}); corrupt");
                }
                catch (InvalidDataException e)
                {
                    throw new MalariaLabException($"{zipPath}: entry '{name}' is corrupt ({e.Message})", e);
                }
                catch (IOException e)
                {
                    // A name that is a file in one entry and a folder in another, or that the file system refuses.
                    throw new MalariaLabException($"{zipPath}: entry '{name}' cannot be written ({e.Message.Replace(root, "<target>")})", e);
                }
            }
            log?.Info($"extract: {entries.Count} entries, {total:N0} bytes");
        }
    }

    /// <summary>A name that is a file in one entry and a folder in another (or that the file system refuses) is one clear error.</summary>
    static void CreateFolder(string zipPath, string name, string folder, string root)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (IOException e)
        {
            throw new MalariaLabException($"{zipPath}: entry '{name}' cannot be written ({e.Message.Replace(root, "<target>")})", e);
        }
    }

    static void CheckName(string zipPath, string name, ZipArchiveEntry entry)
    {
        if (name.Length == 0)
            throw new MalariaLabException($"{zipPath}: an entry has an empty name");
        if (name.Any(char.IsControl))
            throw new MalariaLabException($"{zipPath}: entry '{string.Concat(name.Select(c => char.IsControl(c) ? $"\\x{(int)c:X2}" : c.ToString()))}' has a control character in its name; refused");
        if (name.StartsWith('/') || name.StartsWith('\\') || (name.Length > 1 && name[1] == ':'))
            throw new MalariaLabException($"{zipPath}: entry '{name}' has an absolute path; refused");
        if (name.Split('/', '\\').Any(part => part == ".."))
            throw new MalariaLabException($"{zipPath}: entry '{name}' contains '..' (zip-slip); refused");
        // Unix file type lives in the high 16 bits of the external attributes; 0xA000 is a symbolic link.
        int unixMode = (entry.ExternalAttributes >> 16) & 0xF000;
        if (unixMode == 0xA000)
            throw new MalariaLabException($"{zipPath}: entry '{name}' is a symbolic link; refused");
    }
}
