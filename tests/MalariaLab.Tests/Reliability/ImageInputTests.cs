using System.IO.Compression;
using MalariaLab.Foundation.Common;
using MalariaLab.Data.Imaging;
using MalariaLab.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace MalariaLab.Tests.Reliability;

/// <summary>Bad and unusual image files: each either decodes correctly or fails with a message naming the file.</summary>
public class ImageInputTests
{
    static byte[] RealPng()
    {
        using var zip = ZipFile.OpenRead(TestPaths.SampleZip);
        var entry = zip.Entries.First(e => e.FullName.EndsWith(".png"));
        using var stream = entry.Open();
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    static void AssertRejected(byte[] bytes, string expected)
    {
        var e = Assert.Throws<MalariaLabException>(() => ImageDecoder.Decode(bytes, "cells/x.png"));
        Assert.StartsWith("cells/x.png: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact] public void Zero_bytes() => AssertRejected([], "empty file (0 bytes)");
    [Fact] public void Truncated_png() { var png = RealPng(); AssertRejected(png[..(png.Length / 2)], "truncated PNG"); }
    [Fact] public void Wrong_magic() { var png = RealPng(); png[1] = (byte)'X'; AssertRejected(png, "not an image in a supported format (PNG, JPEG, BMP, GIF, TIFF)"); }
    [Fact] public void Text_named_png() => AssertRejected("hello, not an image"u8.ToArray(), "not an image in a supported format (PNG, JPEG, BMP, GIF, TIFF)");

    [Fact]
    public void Bad_crc_in_image_data()
    {
        var png = RealPng();
        int idat = IndexOf(png, "IDAT"u8.ToArray());
        int length = (png[idat - 4] << 24) | (png[idat - 3] << 16) | (png[idat - 2] << 8) | png[idat - 1];
        png[idat + 4 + length] ^= 0xFF; // first CRC byte of the first IDAT chunk
        AssertRejected(png, "unreadable image");
    }

    [Fact]
    public void Huge_declared_size_is_refused_from_the_header()
    {
        var png = SyntheticData.Png(4, 4);
        // IHDR width/height live at bytes 16..23; 100,000 = 0x000186A0.
        byte[] side = [0x00, 0x01, 0x86, 0xA0];
        side.CopyTo(png, 16);
        side.CopyTo(png, 20);
        uint crc = Crc32(png.AsSpan(12, 17)); // IHDR type + data; a wrong CRC would be caught earlier
        png[29] = (byte)(crc >> 24); png[30] = (byte)(crc >> 16); png[31] = (byte)(crc >> 8); png[32] = (byte)crc;
        AssertRejected(png, "declares 100000x100000 pixels, more than the 10000x10000 limit; refused before decoding");
    }

    [Fact]
    public void Jpeg_named_png_is_decoded_by_its_content()
    {
        using var image = new Image<Rgb24>(10, 8, new Rgb24(200, 100, 50));
        var jpeg = new MemoryStream();
        image.SaveAsJpeg(jpeg);
        var decoded = ImageDecoder.Decode(jpeg.ToArray(), "cells/x.png");
        Assert.Equal((10, 8), (decoded.Width, decoded.Height));
        Assert.InRange(decoded.Pixels[0], 190, 210);
    }

    [Fact]
    public void Grey_png_becomes_equal_rgb_channels()
    {
        using var image = new Image<L8>(3, 2, new L8(77));
        var decoded = ImageDecoder.Decode(Encode(image, PngColorType.Grayscale, PngBitDepth.Bit8), "g.png");
        Assert.All(decoded.Pixels, b => Assert.Equal(77, b));
    }

    [Fact]
    public void Sixteen_bit_png_is_scaled_to_8_bits()
    {
        using var image = new Image<Rgb48>(2, 2, new Rgb48(65535, 0, 32896));
        var decoded = ImageDecoder.Decode(Encode(image, PngColorType.Rgb, PngBitDepth.Bit16), "16.png");
        Assert.Equal(new byte[] { 255, 0, 128 }, decoded.Pixels[..3]);
    }

    [Fact]
    public void Rgba_png_drops_alpha()
    {
        using var image = new Image<Rgba32>(2, 2, new Rgba32(10, 20, 30, 0));
        var decoded = ImageDecoder.Decode(Encode(image, PngColorType.RgbWithAlpha, PngBitDepth.Bit8), "a.png");
        Assert.Equal(new byte[] { 10, 20, 30 }, decoded.Pixels[..3]);
        Assert.Equal(12, decoded.Pixels.Length);
    }

    static byte[] Encode<T>(Image<T> image, PngColorType type, PngBitDepth depth) where T : unmanaged, IPixel<T>
    {
        var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = type, BitDepth = depth });
        return stream.ToArray();
    }

    /// <summary>CRC-32 (ISO-HDLC, as PNG chunks use), bit by bit.</summary>
    static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("not found");
    }
}
