using System.Buffers.Binary;
using System.IO.Compression;
using CsCheck;
using MalariaLab.Data.Imaging;
using MalariaLab.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace MalariaLab.Tests.Data.Imaging;

/// <summary>The direct PNG path gives ImageSharp's pixels for every file it takes, and declines (so ImageSharp decodes
/// or refuses, as before) every file that is not a regular 8-bit RGB(A) PNG. Pillow's bytes for the sample are
/// checked through ImageDecoder in PillowParityTests.</summary>
public class PngRgb8Tests
{
    static byte[] ImageSharpPixels(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        var pixels = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    [Fact]
    public void Every_sample_crop_is_taken_and_decodes_to_imagesharps_pixels()
    {
        using var zip = ZipFile.OpenRead(TestPaths.SampleZip);
        int taken = 0;
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".png", StringComparison.Ordinal)))
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            byte[] png = buffer.ToArray();
            var direct = PngRgb8.TryDecode(png) ?? throw new Xunit.Sdk.XunitException($"{entry.FullName}: declined");
            Assert.True(ImageSharpPixels(png).AsSpan().SequenceEqual(direct.Pixels), entry.FullName);
            taken++;
        }
        Assert.Equal(3703, taken);
    }

    /// <summary>The contract from the other side: sample crops with a few bytes changed (and, half the time, every chunk's
    /// CRC made right again so the change reaches the image data) are either declined or decoded to exactly what
    /// ImageSharp decodes, and never throw.</summary>
    [Fact]
    public void Mutated_crops_are_declined_or_decoded_as_imagesharp_decodes_them()
    {
        using var zip = ZipFile.OpenRead(TestPaths.SampleZip);
        var crops = zip.Entries.Where(e => e.FullName.EndsWith(".png", StringComparison.Ordinal)).Take(20).Select(e =>
        {
            using var stream = e.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }).ToArray();
        int taken = 0;
        // In the file's bytes (most are then declined), or in the inflated image data, deflated again: row filter types
        // and pixels, so mutated files are also taken and compared.
        Gen.Select(Gen.Int[0, crops.Length - 1], Gen.Int.Array[1, 4], Gen.Byte.Array[4], Gen.Int[0, 2]).Sample((which, positions, values, mode) =>
        {
            var png = mode == 2 ? MutateImageData(crops[which], positions, values) : (byte[])crops[which].Clone();
            if (mode < 2)
                for (int i = 0; i < positions.Length; i++) png[8 + (int)((uint)positions[i] % (png.Length - 8))] = values[i % values.Length];
            if (mode == 1) RepairCrcs(png);
            var direct = PngRgb8.TryDecode(png);
            if (direct is null) return true;
            taken++;
            return ImageSharpPixels(png).AsSpan().SequenceEqual(direct.Pixels);
        }, iter: 1000);
        Assert.InRange(taken, 100, 999); // the image-data mutations are mostly taken, the others mostly declined
    }

    /// <summary>The crop with its inflated image data changed at <paramref name="positions"/> (filter-type bytes
    /// included), deflated again into one IDAT.</summary>
    static byte[] MutateImageData(byte[] png, int[] positions, byte[] values)
    {
        using var deflated = new MemoryStream();
        for (int at = 8; at + 12 <= png.Length; at += 12 + (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at)))
            if (System.Text.Encoding.ASCII.GetString(png, at + 4, 4) == "IDAT") deflated.Write(png, at + 8, (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at)));
        deflated.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(deflated, CompressionMode.Decompress)) zlib.CopyTo(inflated);
        byte[] raw = inflated.ToArray();
        int stride = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16)) * 3 + 1;
        for (int i = 0; i < positions.Length; i++)
        {
            int at = (int)((uint)positions[i] % raw.Length);
            // A filter-type byte gets a valid type most of the time (a byte of 5 or more is declined).
            raw[at] = at % stride == 0 ? (byte)(values[i % values.Length] % 6) : values[i % values.Length];
        }
        return WithImageData(png, raw);
    }

    /// <summary>Every chunk's CRC recomputed, as far as the chunk lengths still walk the file.</summary>
    static void RepairCrcs(byte[] png)
    {
        for (int at = 8; at + 12 <= png.Length;)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (length > png.Length - at - 12) return;
            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(at + 8 + (int)length), System.IO.Hashing.Crc32.HashToUInt32(png.AsSpan(at + 4, 4 + (int)length)));
            at += 12 + (int)length;
        }
    }

    static byte[] Encode(Image image, PngColorType type, PngFilterMethod filter, PngInterlaceMode interlace = PngInterlaceMode.None)
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = type, BitDepth = PngBitDepth.Bit8, FilterMethod = filter, InterlaceMethod = interlace });
        return stream.ToArray();
    }

    [Fact]
    public void Every_row_filter_in_rgb_and_rgba_decodes_to_imagesharps_pixels()
    {
        var filters = new[] { PngFilterMethod.None, PngFilterMethod.Sub, PngFilterMethod.Up, PngFilterMethod.Average, PngFilterMethod.Paeth, PngFilterMethod.Adaptive };
        Gen.Select(Gen.Int[1, 70], Gen.Int[1, 70], Gen.Int, Gen.Int[0, filters.Length - 1], Gen.Bool).Sample((width, height, seed, filter, alpha) =>
        {
            var random = new Random(seed);
            var rgba = new byte[width * height * 4];
            random.NextBytes(rgba);
            // Smooth areas as well as noise, so the adaptive filter picks every kind of row.
            for (int i = 0; i < rgba.Length / 2; i++) rgba[i] = (byte)(i / 7);
            using var image = Image.LoadPixelData<Rgba32>(rgba, width, height);
            byte[] png = Encode(image, alpha ? PngColorType.RgbWithAlpha : PngColorType.Rgb, filters[filter]);
            var direct = PngRgb8.TryDecode(png);
            return direct is not null && direct.Width == width && direct.Height == height && ImageSharpPixels(png).AsSpan().SequenceEqual(direct.Pixels);
        }, iter: 300);
    }

    static byte[] Sample(PngColorType type = PngColorType.Rgb, PngInterlaceMode interlace = PngInterlaceMode.None)
    {
        var rgba = new byte[23 * 17 * 4];
        new Random(5).NextBytes(rgba);
        using var image = Image.LoadPixelData<Rgba32>(rgba, 23, 17);
        return Encode(image, type, PngFilterMethod.Adaptive, interlace);
    }

    /// <summary>The chunk of <paramref name="type"/>'s offset (its length field).</summary>
    static int ChunkAt(byte[] png, string type)
    {
        for (int at = 8; at + 8 <= png.Length; at += 12 + (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at)))
            if (System.Text.Encoding.ASCII.GetString(png, at + 4, 4) == type) return at;
        throw new InvalidOperationException($"no {type} chunk");
    }

    static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), System.IO.Hashing.Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    static byte[] Insert(byte[] png, int at, byte[] chunk) => [.. png[..at], .. chunk, .. png[at..]];

    /// <summary>An IDAT holding <paramref name="raw"/> (filter bytes included) in place of the image's own.</summary>
    static byte[] WithImageData(byte[] png, byte[] raw)
    {
        int at = ChunkAt(png, "IDAT");
        int end = ChunkAt(png, "IEND");
        using var deflated = new MemoryStream();
        using (var zlib = new ZLibStream(deflated, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
        return [.. png[..at], .. Chunk("IDAT", deflated.ToArray()), .. png[end..]];
    }

    public static TheoryData<string> Declined => new()
    {
        "palette", "grey", "grey with alpha", "16-bit", "interlaced", "a bad IDAT CRC", "a bad tIME CRC", "cut short", "data after IEND",
        "a gAMA chunk", "a tRNS chunk", "IDAT runs split by a tIME chunk", "a row filter of 5", "one byte more image data", "one byte less image data",
        "wider than MaxSide", "not a PNG",
        // What a red-team review found ImageSharp refuses or reads otherwise while a first version here took it:
        "a zlib preset dictionary", "a tEXt chunk", "a zTXt chunk", "an iTXt chunk", "a pHYs chunk of 8 bytes", "an empty IDAT", "a first IDAT of one byte",
        "an empty IDAT between two",
    };

    [Theory]
    [MemberData(nameof(Declined))]
    public void A_png_of_another_kind_or_irregular_is_declined(string what)
    {
        byte[] rgb = Sample();
        int stride = 23 * 3 + 1;
        byte[] png = what switch
        {
            "palette" => Sample(PngColorType.Palette),
            "grey" => Sample(PngColorType.Grayscale),
            "grey with alpha" => Sample(PngColorType.GrayscaleWithAlpha),
            "16-bit" => Encode16(),
            "interlaced" => Sample(interlace: PngInterlaceMode.Adam7),
            "a bad IDAT CRC" => Flip(rgb, ChunkAt(rgb, "IDAT") + 8 + (int)BinaryPrimitives.ReadUInt32BigEndian(rgb.AsSpan(ChunkAt(rgb, "IDAT")))),
            "a bad tIME CRC" => Flip(Insert(rgb, ChunkAt(rgb, "IDAT"), Chunk("tIME", [7, 234, 12, 3, 9, 0, 0])), ChunkAt(rgb, "IDAT") + 9),
            "cut short" => rgb[..^1],
            "data after IEND" => [.. rgb, 0],
            "a gAMA chunk" => Insert(rgb, ChunkAt(rgb, "IDAT"), Chunk("gAMA", [0, 0, 0xB1, 0x8F])),
            "a tRNS chunk" => Insert(rgb, ChunkAt(rgb, "IDAT"), Chunk("tRNS", [0, 1, 0, 2, 0, 3])),
            "IDAT runs split by a tIME chunk" => SplitImageData(rgb, Chunk("tIME", [7, 234, 12, 3, 9, 0, 0])),
            "a zlib preset dictionary" => WithDictionaryFlag(rgb),
            "a tEXt chunk" => Insert(rgb, ChunkAt(rgb, "IDAT"), Chunk("tEXt", "Software\0test"u8.ToArray())),
            "a zTXt chunk" => Insert(rgb, ChunkAt(rgb, "IDAT"), Chunk("zTXt", "Comment\0"u8.ToArray())),
            "an iTXt chunk" => Insert(rgb, ChunkAt(rgb, "IDAT"), Chunk("iTXt", "Comment"u8.ToArray())),
            "a pHYs chunk of 8 bytes" => Insert(rgb, ChunkAt(rgb, "IDAT"), Chunk("pHYs", new byte[8])),
            "an empty IDAT" => Insert(rgb, ChunkAt(rgb, "IDAT"), Chunk("IDAT", [])),
            "a first IDAT of one byte" => SplitImageData(rgb, null, firstLength: 1),
            "an empty IDAT between two" => SplitImageData(rgb, Chunk("IDAT", [])),
            "a row filter of 5" => WithImageData(rgb, [.. Enumerable.Range(0, 17 * stride).Select(i => (byte)(i == 5 * stride ? 5 : i % stride == 0 ? 0 : i))]),
            "one byte more image data" => WithImageData(rgb, new byte[17 * stride + 1]),
            "one byte less image data" => WithImageData(rgb, new byte[17 * stride - 1]),
            "wider than MaxSide" => WithImageData(WithSize(rgb, ImageDecoder.MaxSide + 1, 1), new byte[(ImageDecoder.MaxSide + 1) * 3 + 1]),
            "not a PNG" => [0xFF, 0xD8, .. rgb[2..]],
            _ => throw new ArgumentException(what),
        };
        Assert.Null(PngRgb8.TryDecode(png));
    }

    [Fact]
    public void The_well_formed_variants_of_those_inputs_are_taken()
    {
        // So each declined case above is declined for its one defect, not for the way the test builds files.
        byte[] rgb = Sample();
        int stride = 23 * 3 + 1;
        Assert.NotNull(PngRgb8.TryDecode(Insert(rgb, ChunkAt(rgb, "IDAT"), Chunk("tIME", [7, 234, 12, 3, 9, 0, 0]))));
        Assert.NotNull(PngRgb8.TryDecode(Insert(rgb, ChunkAt(rgb, "IDAT"), Chunk("pHYs", [0, 0, 11, 19, 0, 0, 11, 19, 1]))));
        Assert.NotNull(PngRgb8.TryDecode(SplitImageData(rgb, null, firstLength: 2)));
        var zeros = PngRgb8.TryDecode(WithImageData(rgb, new byte[17 * stride]))!;
        Assert.All(zeros.Pixels, p => Assert.Equal(0, p));
        byte[] filtered = [.. Enumerable.Range(0, 17 * stride).Select(i => (byte)(i % stride == 0 ? 4 : i))];
        Assert.True(ImageSharpPixels(WithImageData(rgb, filtered)).AsSpan().SequenceEqual(PngRgb8.TryDecode(WithImageData(rgb, filtered))!.Pixels));
        Assert.NotNull(PngRgb8.TryDecode(WithSize(WithImageData(rgb, new byte[17 * stride]), 23, 17)));
        Assert.NotNull(PngRgb8.TryDecode(WithImageData(WithSize(rgb, ImageDecoder.MaxSide, 1), new byte[ImageDecoder.MaxSide * 3 + 1])));
    }

    [Fact]
    public void A_file_declaring_more_image_than_its_data_can_hold_is_declined_before_the_memory_is_taken()
    {
        byte[] png = WithSize(Sample(), 5000, 5000); // 75 MB of rows from about a kilobyte of deflate data
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(PngRgb8.TryDecode(png));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, $"{GC.GetAllocatedBytesForCurrentThread() - before} bytes allocated");
    }

    [Fact]
    public void A_file_over_the_decode_memory_limit_is_declined_before_the_memory_is_taken()
    {
        // 10,000 x 3,900 RGB is within MaxSide but needs 7 bytes a pixel, over MaxDecodeBytes; its IDAT is large enough
        // for deflate's ratio, so only the memory rule stands between it and 117 MB of rows.
        int width = 10_000, height = 3_900;
        Assert.True(7L * width * height > ImageDecoder.MaxDecodeBytes && (3L * width + 1) * height <= 115_000 * 1032L);
        var data = new byte[115_000];
        new Random(1).NextBytes(data);
        (data[0], data[1]) = (0x78, 0x9C);
        byte[] png = WithSize(Sample(), width, height);
        int at = ChunkAt(png, "IDAT"), length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
        png = [.. png[..at], .. Chunk("IDAT", data), .. png[(at + 12 + length)..]];
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(PngRgb8.TryDecode(png));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, $"{GC.GetAllocatedBytesForCurrentThread() - before} bytes allocated");
    }

    static byte[] Flip(byte[] png, int at)
    {
        var copy = (byte[])png.Clone();
        copy[at] ^= 1;
        return copy;
    }

    /// <summary>The image data in two IDAT chunks (the first of <paramref name="firstLength"/> bytes, or half), with
    /// <paramref name="between"/> between them if given.</summary>
    static byte[] SplitImageData(byte[] png, byte[]? between, int? firstLength = null)
    {
        int at = ChunkAt(png, "IDAT"), length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
        var data = png.AsSpan(at + 8, length).ToArray();
        int split = firstLength ?? length / 2;
        return [.. png[..at], .. Chunk("IDAT", data[..split]), .. between ?? [], .. Chunk("IDAT", data[split..]), .. png[(at + 12 + length)..]];
    }

    /// <summary>The zlib header's FDICT bit set (and its check bits made valid again), as a stream needing a preset dictionary.</summary>
    static byte[] WithDictionaryFlag(byte[] png)
    {
        int at = ChunkAt(png, "IDAT"), length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
        var data = png.AsSpan(at + 8, length).ToArray();
        int cmf = data[0], flg = (data[1] | 0x20) & 0xE0;
        flg |= 31 - (cmf * 256 + flg) % 31;
        byte[] stream = [data[0], (byte)flg, 0, 0, 0, 1, .. data[2..]];
        return [.. png[..at], .. Chunk("IDAT", stream), .. png[(at + 12 + length)..]];
    }

    static byte[] WithSize(byte[] png, int width, int height)
    {
        var header = png.AsSpan(ChunkAt(png, "IHDR") + 8, 13).ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        return [.. png[..8], .. Chunk("IHDR", header), .. png[(8 + 25)..]];
    }

    static byte[] Encode16()
    {
        using var image = new Image<Rgb48>(9, 9);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 });
        return stream.ToArray();
    }
}
