using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MalariaLab.Data.Imaging;

/// <summary>A direct decoder for the kind of PNG cell crops come as: 8-bit RGB or RGBA (alpha dropped, as
/// <c>convert('RGB')</c> does), not interlaced, with only time and resolution chunks besides the image. It inflates
/// with the runtime's zlib and undoes the row filters in one pass, faster than ImageSharp and with little code to
/// compile at start-up. PNG is lossless, so the pixels are the file's, as ImageSharp and Pillow read them. Anything
/// else, or anything irregular (a CRC, a size, the zlib stream, a chunk out of place), is declined (null) and goes
/// through <see cref="ImageDecoder"/>'s ImageSharp path, which decodes it or names the problem as before: no file taken
/// here should be one ImageSharp 2.1 refuses or reads otherwise (where ImageSharp fails on a valid file, that cannot be
/// matched in every case). docs/performance.md has the measurements.</summary>
public static class PngRgb8
{
    static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Ancillary chunks taken, with the one length each may have: ImageSharp reads neither into the pixels, and parses
    // neither in a way that can fail at that length. Text chunks are declined: ImageSharp parses them (EXIF in tEXt,
    // compressed zTXt and iTXt) and throws on some that are malformed, which the direct path must not hide.
    static readonly Dictionary<string, int> MetadataChunks = new() { ["tIME"] = 7, ["pHYs"] = 9 };

    // Deflate cannot expand data more than 1,032 times (zlib's technical notes): a file declaring more image than its
    // IDAT chunks can hold is declined before the image's memory is taken.
    const long MaxDeflateRatio = 1032;

    public static RgbImage? TryDecode(ReadOnlySpan<byte> png)
    {
        if (!png.StartsWith(Signature)) return null;
        int width = 0, height = 0, channels = 0, at = Signature.Length;
        bool ended = false, idatDone = false;
        var idat = new List<Range>();
        long compressed = 0;
        while (!ended)
        {
            if (png.Length - at < 12) return null;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[at..]);
            if (length > int.MaxValue || length > png.Length - at - 12) return null;
            var typeAndData = png.Slice(at + 4, 4 + (int)length);
            if (System.IO.Hashing.Crc32.HashToUInt32(typeAndData) != BinaryPrimitives.ReadUInt32BigEndian(png[(at + 8 + (int)length)..])) return null;
            string type = System.Text.Encoding.ASCII.GetString(typeAndData[..4]);
            var data = typeAndData[4..];
            bool first = at == Signature.Length;
            if (first != (type == "IHDR")) return null;
            if (type != "IDAT" && idat.Count > 0) idatDone = true;
            switch (type)
            {
                case "IHDR":
                    if (data.Length != 13) return null;
                    width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data), int.MaxValue);
                    height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data[4..]), int.MaxValue);
                    channels = data[9] switch { 2 => 3, 6 => 4, _ => 0 };
                    // 8 bits, RGB or RGBA, deflate, the one filter method, not interlaced.
                    if (data[8] != 8 || channels == 0 || data[10] != 0 || data[11] != 0 || data[12] != 0) return null;
                    if (width is < 1 or > ImageDecoder.MaxSide || height is < 1 or > ImageDecoder.MaxSide) return null;
                    if ((long)width * height * (4 + 3) > ImageDecoder.MaxDecodeBytes) return null;
                    break;
                case "IDAT":
                    // One run of chunks, none empty and the first holding the zlib header: ImageSharp reads the header
                    // byte by byte and an empty chunk ends its stream, so it cannot follow other splits.
                    if (idatDone || length == 0 || (idat.Count == 0 && length < 2)) return null;
                    idat.Add(new Range(at + 8, at + 8 + (int)length));
                    compressed += length;
                    break;
                case "IEND":
                    if (length != 0 || at + 12 != png.Length) return null; // IEND closes the file (ImageDecoder's truncation rule)
                    ended = true;
                    break;
                default:
                    if (!MetadataChunks.TryGetValue(type, out int expected) || length != expected) return null;
                    break;
            }
            at += 12 + (int)length;
        }
        if (idat.Count == 0) return null;
        int stride = width * channels;
        long rawLength = (long)(stride + 1) * height;
        if (rawLength > compressed * MaxDeflateRatio) return null;
        // A preset dictionary (FDICT) is not PNG's; zlib would ask for one.
        if ((png[idat[0].Start.Value + 1] & 0x20) != 0) return null;

        var raw = new byte[rawLength];
        var deflated = new byte[compressed];
        int filled = 0;
        foreach (var range in idat)
        {
            png[range].CopyTo(deflated.AsSpan(filled));
            filled += range.End.Value - range.Start.Value;
        }
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(deflated, writable: false), CompressionMode.Decompress);
            zlib.ReadExactly(raw);
            // Exactly the image's bytes: more is irregular. (A stream cut after them, before its Adler-32, reads as
            // ended here; ImageSharp does not check that checksum either.)
            if (zlib.Read(new byte[1]) != 0) return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException) { return null; } // zlib's own ZLibException is an IOException

        return Unfilter(raw, width, height, channels);
    }

    /// <summary>Undoes each row's filter (PNG spec 9.2: None, Sub, Up, Average, Paeth) and keeps R, G and B; null for a
    /// filter type PNG does not have.</summary>
    static RgbImage? Unfilter(byte[] raw, int width, int height, int channels)
    {
        int stride = width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            var row = raw.AsSpan(y * (stride + 1), stride + 1);
            byte filter = row[0];
            row[1..].CopyTo(current);
            switch (filter)
            {
                case 0: break;
                case 1:
                    for (int i = channels; i < stride; i++) current[i] += current[i - channels];
                    break;
                case 2:
                    for (int i = 0; i < stride; i++) current[i] += previous[i];
                    break;
                case 3:
                    for (int i = 0; i < channels; i++) current[i] += (byte)(previous[i] >> 1);
                    for (int i = channels; i < stride; i++) current[i] += (byte)((current[i - channels] + previous[i]) >> 1);
                    break;
                case 4:
                    UndoPaeth(current, previous, channels);
                    break;
                default: return null; // not a PNG filter type
            }
            var output = pixels.AsSpan(y * width * 3, width * 3);
            if (channels == 3) current.AsSpan().CopyTo(output);
            else
                for (int x = 0; x < width; x++)
                {
                    output[x * 3] = current[x * 4];
                    output[x * 3 + 1] = current[x * 4 + 1];
                    output[x * 3 + 2] = current[x * 4 + 2];
                }
            (previous, current) = (current, previous);
        }
        return new RgbImage(width, height, pixels);
    }

    /// <summary>Paeth's predictor, left to right. Each byte waits for its left neighbour, so the loop is a chain of
    /// latencies; the choice between a, b and c is made without branches (on noisy crops it is a coin toss, and
    /// mispredicted branches made this loop two thirds of the decode).</summary>
    static void UndoPaeth(byte[] current, byte[] previous, int channels)
    {
        for (int i = 0; i < channels; i++) current[i] += previous[i]; // with a = c = 0 Paeth picks b
        ref byte row = ref MemoryMarshal.GetArrayDataReference(current);
        ref byte above = ref MemoryMarshal.GetArrayDataReference(previous);
        if (channels == 3)
        {
            // One pixel's three chains side by side in a vector: scalar, they did not fit in the registers.
            var a = Pixel(ref row, 0);
            var c = Pixel(ref above, 0);
            var low = Vector128.Create(0xFF);
            for (int i = 3; i < current.Length; i += 3)
            {
                var b = Pixel(ref above, i);
                var pa = Vector128.Abs(b - c);
                var pb = Vector128.Abs(a - c);
                var pc = Vector128.Abs(a + b - c - c);
                var bOrC = Vector128.ConditionalSelect(Vector128.LessThanOrEqual(pb, pc), b, c);
                var predicted = Vector128.ConditionalSelect(Vector128.LessThanOrEqual(pa, pb) & Vector128.LessThanOrEqual(pa, pc), a, bOrC);
                a = (Pixel(ref row, i) + predicted) & low;
                Unsafe.Add(ref row, i) = (byte)a.GetElement(0);
                Unsafe.Add(ref row, i + 1) = (byte)a.GetElement(1);
                Unsafe.Add(ref row, i + 2) = (byte)a.GetElement(2);
                c = b;
            }
            return;
        }
        for (int i = channels; i < current.Length; i++)
            Unsafe.Add(ref row, i) += (byte)PaethPredictor(Unsafe.Add(ref row, i - channels), Unsafe.Add(ref above, i), Unsafe.Add(ref above, i - channels));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<int> Pixel(ref byte row, int at) => Vector128.Create(Unsafe.Add(ref row, at), Unsafe.Add(ref row, at + 1), Unsafe.Add(ref row, at + 2), 0);

    /// <summary>Paeth's choice of left (a), above (b) or upper left (c), with sign masks for comparisons: -1 where the
    /// first is smaller, else 0 (all values are within ±1020).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int PaethPredictor(int a, int b, int c)
    {
        int pa = Abs(b - c), pb = Abs(a - c), pc = Abs(a + b - 2 * c);
        int notA = ((pb - pa) | (pc - pa)) >> 31, notB = (pc - pb) >> 31;
        int bOrC = (b & ~notB) | (c & notB);
        return (a & ~notA) | (bOrC & notA);
    }

    /// <summary>|x| without the branch Math.Abs takes for its overflow check.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Abs(int x) => (x ^ (x >> 31)) - (x >> 31);
}
