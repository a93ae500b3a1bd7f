using System.Buffers.Binary;
using System.Security.Cryptography;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Data.Prepare;

/// <summary>Every image of the index, decoded and resized: Count x Size x Size x 3 bytes in index (path) order.</summary>
public sealed record PreparedImages(int Count, int Size, byte[] Pixels)
{
    public int ImageBytes => Size * Size * 3;
    public ReadOnlySpan<byte> Image(int i) => Pixels.AsSpan(i * ImageBytes, ImageBytes);
}

/// <summary>The prepared-images cache file: "MLPREP01", count, size, channels (int32 LE), the pixels, then the
/// SHA-256 of everything before it. A truncated or altered file fails the length or hash check and is rebuilt.</summary>
public static class PreparedFile
{
    static readonly byte[] Magic = "MLPREP01"u8.ToArray();
    const int HeaderBytes = 20;

    public static void Write(string path, PreparedImages images) => AtomicFile.Write(path, stream =>
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), images.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), images.Size);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), 3);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(header);
        sha.AppendData(images.Pixels);
        stream.Write(header);
        stream.Write(images.Pixels);
        stream.Write(sha.GetHashAndReset());
    });

    /// <summary>The SHA-256 the file carries in its last 32 bytes (checked in full by <see cref="TryRead"/>).</summary>
    public static string StoredSha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length < HeaderBytes + 32) throw new MalariaLabException($"{path}: too short to be a prepared-images file");
        stream.Seek(-32, SeekOrigin.End);
        var stored = new byte[32];
        stream.ReadExactly(stored);
        return Convert.ToHexStringLower(stored);
    }

    /// <summary>The images, or null with the reason when the file is missing, truncated, of another shape or corrupt.</summary>
    public static PreparedImages? TryRead(string path, int expectedCount, int expectedSize, out string? problem)
    {
        problem = null;
        if (!File.Exists(path)) { problem = "not built yet"; return null; }
        long expectedLength = HeaderBytes + (long)expectedCount * expectedSize * expectedSize * 3 + 32;
        long length = new FileInfo(path).Length;
        if (length != expectedLength) { problem = $"{path} is {length} bytes, expected {expectedLength} (truncated?)"; return null; }
        // Read the pixels straight into their final array (no whole-file buffer, no slice copy): the full set is
        // 190 MB, and peak memory matters.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var header = new byte[HeaderBytes];
        stream.ReadExactly(header);
        if (!header.AsSpan(0, 8).SequenceEqual(Magic)
            || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)) != expectedCount
            || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)) != expectedSize)
        { problem = $"{path} has another header than expected"; return null; }
        var pixels = new byte[length - HeaderBytes - 32];
        stream.ReadExactly(pixels);
        var stored = new byte[32];
        stream.ReadExactly(stored);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(header);
        sha.AppendData(pixels);
        if (!sha.GetHashAndReset().AsSpan().SequenceEqual(stored))
        { problem = $"{path} fails its SHA-256 check (corrupt)"; return null; }
        return new PreparedImages(expectedCount, expectedSize, pixels);
    }
}
