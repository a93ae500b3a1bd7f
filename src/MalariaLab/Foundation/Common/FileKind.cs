using System.Runtime.InteropServices;

namespace MalariaLab.Foundation.Common;

/// <summary>What a path is, read with stat(2) after following links: a FIFO, a device or a socket is not a file to read
/// (opening a FIFO waits for a writer forever; /dev/zero never ends). .NET exposes no file type, hence the P/Invoke;
/// where it is not available (Windows, other layouts) every existing non-folder counts as regular.</summary>
public enum FileKind { Missing, Regular, Directory, Fifo, CharacterDevice, BlockDevice, Socket, Other }

public static partial class FileKinds
{
    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, Span<byte> buffer);

    /// <summary>Offset of st_mode in struct stat for the Linux ABIs this runs on (x86_64: 24; arm64: 16), else null.</summary>
    static readonly int? ModeOffset = !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 24,
        Architecture.Arm64 => 16,
        _ => null,
    };

    public static FileKind Of(string path)
    {
        if (Directory.Exists(path)) return FileKind.Directory;
        if (!File.Exists(path)) return FileKind.Missing;
        if (ModeOffset is not { } offset) return FileKind.Regular;
        Span<byte> buffer = stackalloc byte[256];
        if (Stat(path, buffer) != 0) return FileKind.Missing; // a dangling link
        uint mode = BitConverter.ToUInt32(buffer[offset..]) & 0xF000;
        return mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
    }

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Directory => "a folder",
        FileKind.Missing => "missing (or a link that leads nowhere)",
        _ => "not a regular file",
    };

    /// <summary>The bytes of a regular file of at most <paramref name="maxBytes"/>, read with a bound (a file that grows
    /// while read is cut off and refused); anything else is refused naming the path and what it is.</summary>
    public static byte[] ReadRegular(string path, long maxBytes, string what)
    {
        var kind = Of(path);
        if (kind != FileKind.Regular) throw new MalariaLabException($"{path}: {what} must be a regular file; this is {Describe(kind)}");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + n > maxBytes) throw new MalariaLabException($"{path}: larger than {maxBytes:N0} bytes; {what} is far smaller");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
