using System.Text;

namespace MalariaLab.Foundation.Common;

/// <summary>Writes files so a reader never sees half of one: write a temp sibling, flush, then rename.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Writes through a stream callback, then renames into place.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The OS names the temp file; the user asked for path.
            throw new MalariaLabException($"{path}: cannot be written ({TempFiles.Unmask(e.Message.Replace(temp, path))})", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>A unique temp name beside <paramref name="path"/> (same folder, so the rename is atomic). It names the
    /// host and process, so a later run can tell a leftover of a killed process (<see cref="TempFiles"/>).</summary>
    public static string TempPathFor(string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, TempFiles.NameFor(Path.GetFileName(path)));
    }

    /// <summary>Fails early, naming the user's path, when a file cannot be written there (before any work is done).</summary>
    public static void EnsureWritable(string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new MalariaLabException($"{path}: is a folder; expected a file path");
        try
        {
            string probe = TempPathFor(full);
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write)) { }
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MalariaLabException($"{path}: cannot write there ({e.Message.Replace(full, path)})", e);
        }
    }
}
