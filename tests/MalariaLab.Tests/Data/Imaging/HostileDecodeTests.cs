using System.Buffers.Binary;
using MalariaLab.Data.Imaging;
using MalariaLab.Foundation.Common;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Data.Imaging;

/// <summary>Decoders that could explode: only the first frame is decoded, memory is bounded by bytes from the header,
/// and 16-bit grey + alpha converts as Pillow does.</summary>
public class HostileDecodeTests
{
    [Fact]
    public void Only_the_first_frame_of_a_many_frame_gif_is_decoded_in_bounded_memory()
    {
        byte[] gif = HostileImages.ManyFrameGif(400);
        Assert.True(gif.Length < 7000); // 15 bytes a frame
        long before = GC.GetAllocatedBytesForCurrentThread();
        var image = ImageDecoder.Decode(gif, "frames.gif");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((4000, 4000), (image.Width, image.Height));
        // One 4000² frame as RGBA (64 MB) and its RGB copy (48 MB); all 400 frames would be 25 GB.
        // This thread's allocations: the process's count took in other tests running beside it (509 MiB once in CI's
        // AVX2 pass). At least the RGB copy is made here, so the measure sees the decoding.
        Assert.InRange(allocated, 48_000_000L, 400L << 20);
    }

    [Fact]
    public void Only_the_first_page_of_a_many_page_tiff_is_decoded_in_bounded_memory()
    {
        byte[] tiff = HostileImages.ManyPageTiff(40);
        Assert.True(tiff.Length < 64 << 10, $"{tiff.Length} bytes");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var image = ImageDecoder.Decode(tiff, "pages.tif");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((4000, 4000), (image.Width, image.Height));
        Assert.All(image.Pixels, b => Assert.Equal(0, b));
        // One 4000² page as RGBA (64 MB) and its RGB copy (48 MB); all 40 pages would be 2.5 GB.
        // This thread's allocations: the process's count took in other tests running beside it (509 MiB once in CI's
        // AVX2 pass). At least the RGB copy is made here, so the measure sees the decoding.
        Assert.InRange(allocated, 48_000_000L, 400L << 20);
    }

    /// <summary>Formats outside the list are refused whether given alone or in a folder (where they are not picked up).</summary>
    [Fact]
    public void Webp_and_tga_are_refused_with_the_formats_taken()
    {
        using var image = new Image<Rgb24>(8, 8);
        foreach (var (name, encoder) in new (string, SixLabors.ImageSharp.Formats.IImageEncoder)[]
                 { ("cell.webp", new SixLabors.ImageSharp.Formats.Webp.WebpEncoder()), ("cell.tga", new SixLabors.ImageSharp.Formats.Tga.TgaEncoder()) })
        {
            using var stream = new MemoryStream();
            image.Save(stream, encoder);
            var e = Assert.Throws<MalariaLabException>(() => ImageDecoder.Decode(stream.ToArray(), name));
            Assert.Equal($"{name}: not an image in a supported format (PNG, JPEG, BMP, GIF, TIFF)", e.Message);
            Assert.False(ImageDecoder.HasImageExtension(name));
        }
        Assert.True(ImageDecoder.HasImageExtension("x/CELL.TIFF"));
    }

    [Fact]
    public void A_16_bit_png_too_large_to_decode_is_refused_from_its_header()
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, 9999);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), 9999);
        ihdr[8] = 16; // bit depth
        ihdr[9] = 6;  // RGBA
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. HostileImages.Chunk("IHDR", ihdr), .. HostileImages.Chunk("IEND", [])];
        long before = GC.GetAllocatedBytesForCurrentThread(); // this thread's: other tests allocate beside it
        var e = Assert.Throws<MalariaLabException>(() => ImageDecoder.Decode(png, "big16.png"));
        Assert.Contains("big16.png: 9999x9999 pixels at 64 bits would take", e.Message);
        Assert.Contains("refused before decoding", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
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
