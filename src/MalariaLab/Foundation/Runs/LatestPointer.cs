using MalariaLab.Foundation.Common;

namespace MalariaLab.Foundation.Runs;

/// <summary>runs/NAME/latest: a relative symbolic link to the latest published run's folder (so
/// runs/NAME/latest/weights/best.safetensors and ls runs/NAME/latest/plots work), replaced atomically (a new link
/// renamed over the old one). Where links need privileges (Windows) it is a text file holding the run id; readers take
/// both, and the text files of earlier versions.</summary>
public static partial class LatestPointer
{
    // .NET's File.Move refuses a link to a folder as its source (it follows the link); rename(2) moves the link itself.
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int Rename(string from, string to);

    public const string Name = "latest";

    /// <summary>The run id the pointer names, or null when there is none.</summary>
    public static string? Read(string pointer)
    {
        var info = new FileInfo(pointer);
        if (info.LinkTarget is { } target) return Path.GetFileName(Path.TrimEndingDirectorySeparator(target));
        return File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : null;
    }

    public static void Write(string pointer, string runId)
    {
        if (OperatingSystem.IsWindows())
        {
            AtomicFile.WriteAllText(pointer, runId + "\n");
            return;
        }
        string temp = AtomicFile.TempPathFor(pointer);
        File.CreateSymbolicLink(temp, runId);
        try
        {
            // rename(2) replaces the old pointer (a link, or an earlier version's text file) in one step.
            if (Rename(temp, pointer) != 0)
                throw new MalariaLabException($"{pointer}: cannot point it at {runId} (rename failed, errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            if (new FileInfo(temp).LinkTarget is not null) File.Delete(temp);
        }
    }
}
