namespace MalariaLab.Foundation.Common;

/// <summary>Where a user's --output goes. A regular file (or a new path) is replaced atomically (temp + rename); a
/// symbolic link is followed and its final target replaced (the link stays a link); a FIFO, a device or a socket is
/// written in place (renaming over /dev/null would replace the device with a file; a FIFO's reader would wait
/// forever); a read-only file is refused, also as root.</summary>
public static class OutputFile
{
    /// <summary>The path to write, checked before any work is done: the final target of links, refused when it
    /// cannot or must not be written.</summary>
    public static string Check(string path)
    {
        string full = Path.GetFullPath(path);
        string target;
        try { target = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full; }
        catch (IOException) { target = full; } // a folder on the way is missing: EnsureWritable names the problem
        switch (FileKinds.Of(target))
        {
            case FileKind.Directory:
                throw new MalariaLabException($"{path}: is a folder; expected a file path");
            case FileKind.Regular when !OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(target) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0:
                throw new MalariaLabException($"{path}: is read-only; it is not overwritten (choose another --output, or make it writable)");
            case FileKind.Missing or FileKind.Regular:
                AtomicFile.EnsureWritable(target);
                break;
        }
        return target;
    }

    public static void WriteAllText(string path, string text)
    {
        string target = Check(path);
        var bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
        if (FileKinds.Of(target) is FileKind.Fifo or FileKind.CharacterDevice or FileKind.BlockDevice or FileKind.Socket)
        {
            using var stream = new FileStream(target, FileMode.Open, FileAccess.Write);
            stream.Write(bytes);
            return;
        }
        AtomicFile.WriteAllBytes(target, bytes);
    }
}
