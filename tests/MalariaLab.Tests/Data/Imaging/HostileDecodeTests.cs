using System.Buffers.Binary;
using MalariaLab.Data.Imaging;
using MalariaLab.Foundation.Common;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace MalariaLab.Tests.Data.Imaging;

/// <summary>Decoders that could explode: only the first frame is decoded, memory is bounded by bytes from the header,
/// and 16-bit grey + alpha converts as Pillow does.</summary>
public class HostileDecodeTests
{
    /// <summary>A GIF with a 4000 x 4000 canvas and <paramref name="frames"/> one-pixel frames: under a kilobyte.</summary>
    static byte[] ManyFrameGif(int frames)
    {
        var gif = new List<byte>("GIF89a"u8.ToArray());
        gif.AddRange([0xA0, 0x0F, 0xA0, 0x0F, 0x80, 0, 0]); // 4000 x 4000, a 2-colour global table
        gif.AddRange([0, 0, 0, 255, 255, 255]);
        for (int i = 0; i < frames; i++)
        {
            gif.AddRange([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]); // a 1 x 1 frame at (0, 0)
            gif.AddRange([2, 2, 0x44, 0x01, 0]);             // LZW: clear, index 0, end
        }
        gif.Add(0x3B);
        return [.. gif];
    }

    static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.Of(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    [Fact]
    public void Only_the_first_frame_of_a_many_frame_gif_is_decoded_in_bounded_memory()
    {
        byte[] gif = ManyFrameGif(400);
        Assert.True(gif.Length < 7000); // 15 bytes a frame
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var image = ImageDecoder.Decode(gif, "frames.gif");
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal((4000, 4000), (image.Width, image.Height));
        // One 4000² frame as RGBA (64 MB) and its RGB copy (48 MB); all 400 frames would be 25 GB.
        Assert.True(allocated < 400L << 20, $"decoding allocated {allocated / (1 << 20)} MiB");
    }

    [Fact]
    public void A_16_bit_png_too_large_to_decode_is_refused_from_its_header()
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, 9999);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), 9999);
        ihdr[8] = 16; // bit depth
        ihdr[9] = 6;  // RGBA
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", ihdr), .. Chunk("IEND", [])];
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<MalariaLabException>(() => ImageDecoder.Decode(png, "big16.png"));
        Assert.Contains("big16.png: 9999x9999 pixels at 64 bits would take", e.Message);
        Assert.Contains("refused before decoding", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16 << 20);
    }

    /// <summary>Pillow opens a 16-bit grey + alpha PNG as LA with each sample's high byte (LA;16B), then convert('RGB')
    /// repeats it: 0x1234 → 0x12 (a clamp, as for 16-bit grey without alpha, would give 255).</summary>
    [Fact]
    public void A_16_bit_grey_alpha_png_keeps_the_high_byte_as_pillow_does()
    {
        using var source = new Image<Rgba64>(3, 2);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
                source[x, y] = new Rgba64(0x1234, 0x1234, 0x1234, 0x8000);
        using var stream = new MemoryStream();
        source.Save(stream, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.GrayscaleWithAlpha });
        byte[] png = stream.ToArray();
        Assert.Equal((16, 4), (png[24], png[25]));
        var image = ImageDecoder.Decode(png, "la16.png");
        Assert.All(image.Pixels, b => Assert.Equal(0x12, b));
    }
}
