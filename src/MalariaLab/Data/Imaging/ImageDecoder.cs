using MalariaLab.Foundation.Common;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace MalariaLab.Data.Imaging;

/// <summary>An 8-bit RGB image, rows top to bottom, 3 bytes per pixel.</summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels);

/// <summary>Decodes image bytes to 8-bit RGB with ImageSharp, converted as Pillow's <c>convert('RGB')</c> does (what
/// Keras' load_img applies): grey is repeated into R, G and B, palettes are looked up, alpha is dropped (not
/// composited); 16-bit grey PNGs are clamped to 0..255 (Pillow opens them as mode I, whose RGB conversion clamps)
/// and 16-bit colour PNGs keep each sample's high byte (Pillow's RGB;16B unpacker). Anything unreadable becomes a
/// <see cref="MalariaLabException"/> naming the file. Regular 8-bit RGB(A) PNGs, what cell crops are, take the
/// direct path of <see cref="PngRgb8"/> (same pixels, about 1.7x faster). JPEGs are decoded by ImageSharp, whose IDCT
/// may differ from libjpeg's by a level.</summary>
public static class ImageDecoder
{
    /// <summary>Larger images are refused from their header, before any pixel memory is allocated.</summary>
    public const int MaxSide = 10_000;

    /// <summary>Memory one decode may take, from the header: width × height × (the decoder's bytes per pixel + the 3 of
    /// the RGB copy). A 16-bit 9999² PNG (8 bytes per pixel: 1.1 GB) is refused; an 8-bit 5000² one (0.2 GB) is not.
    /// Index and Prepare decode one image per core, so their peak stays below cores × this.</summary>
    public const long MaxDecodeBytes = 256L << 20;

    /// <summary>The formats taken, everywhere (Index, Prepare, Predict, a single file or a folder): the decoder knows no
    /// others. WebP, TGA and PBM are left out: ImageSharp 2.1's WebP decoder cannot be held to the first frame, and
    /// none of them is a format cell crops come in.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff"];

    const string FormatNames = "PNG, JPEG, BMP, GIF, TIFF";

    public static bool HasImageExtension(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Only the first frame of an animated GIF or a multi-page TIFF is decoded, as Keras and Pillow use it (a
    /// 940-byte GIF of 40 frames on a 4000² canvas otherwise takes 2 GB).</summary>
    static readonly Configuration FirstFrameOnly = CreateFirstFrameOnly();

    static Configuration CreateFirstFrameOnly()
    {
        var configuration = new Configuration(new SixLabors.ImageSharp.Formats.Png.PngConfigurationModule(), new SixLabors.ImageSharp.Formats.Jpeg.JpegConfigurationModule(),
            new SixLabors.ImageSharp.Formats.Bmp.BmpConfigurationModule(), new GifConfigurationModule(), new TiffConfigurationModule());
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }

    static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    static readonly byte[] IendChunk = [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];

    static bool IsPng(byte[] bytes) => bytes.AsSpan().StartsWith(PngSignature);

    // ImageSharp decodes a PNG cut short without complaint (missing rows become black); the IEND check catches it.
    static bool EndsWithIend(byte[] bytes) => bytes.AsSpan().EndsWith(IendChunk);

    public static RgbImage Decode(byte[] bytes, string name)
    {
        if (bytes.Length == 0) throw new MalariaLabException($"{name}: empty file (0 bytes), expected an image");
        if (PngRgb8.TryDecode(bytes) is { } direct) return direct; // the common case; anything else comes here
        try
        {
            using var header = new MemoryStream(bytes, writable: false);
            var info = Image.Identify(FirstFrameOnly, header)
                ?? throw new MalariaLabException($"{name}: not an image in a supported format ({FormatNames})");
            if (IsPng(bytes) && !EndsWithIend(bytes))
                throw new MalariaLabException($"{name}: truncated PNG (it does not end with an IEND chunk)");
            if (info.Width > MaxSide || info.Height > MaxSide)
                throw new MalariaLabException($"{name}: declares {info.Width}x{info.Height} pixels, more than the {MaxSide}x{MaxSide} limit; refused before decoding");
            long decodeBytes = (long)info.Width * info.Height * (Math.Max(4, (info.PixelType?.BitsPerPixel ?? 32) / 8) + 3);
            if (decodeBytes > MaxDecodeBytes)
                throw new MalariaLabException($"{name}: {info.Width}x{info.Height} pixels at {info.PixelType?.BitsPerPixel ?? 32} bits would take {decodeBytes / (1 << 20):N0} MiB to decode, more than the {MaxDecodeBytes >> 20} MiB limit; refused before decoding");
            if (IsPng(bytes) && bytes.Length > 25 && bytes[24] == 16)
                return bytes[25] == 0 ? Grey16(bytes) : Colour16(bytes);
            using var image = Image.Load<Rgb24>(FirstFrameOnly, bytes);
            var pixels = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(pixels);
            return new RgbImage(image.Width, image.Height, pixels);
        }
        catch (MalariaLabException) { throw; }
        catch (UnknownImageFormatException)
        {
            throw new MalariaLabException($"{name}: not an image in a supported format ({FormatNames})");
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException or NotSupportedException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new MalariaLabException($"{name}: unreadable image ({e.GetType().Name}: {e.Message})", e);
        }
    }

    // ImageSharp scales 16-bit samples to 8 bits (v · 255 / 65535); Pillow does not, so the raw samples are read.
    static RgbImage Grey16(byte[] bytes)
    {
        using var image = Image.Load<L16>(bytes);
        var grey = new L16[image.Width * image.Height];
        image.CopyPixelDataTo(grey);
        var pixels = new byte[grey.Length * 3];
        for (int i = 0; i < grey.Length; i++)
            pixels[i * 3] = pixels[i * 3 + 1] = pixels[i * 3 + 2] = (byte)Math.Min(grey[i].PackedValue, (ushort)255);
        return new RgbImage(image.Width, image.Height, pixels);
    }

    /// <summary>16-bit colour, and 16-bit grey + alpha (which ImageSharp reads as R = G = B = L): each sample's high
    /// byte, as Pillow's RGB;16B and LA;16B unpackers do (grey + alpha is not mode I, so no clamp).</summary>
    static RgbImage Colour16(byte[] bytes)
    {
        using var image = Image.Load<Rgba64>(bytes);
        var colour = new Rgba64[image.Width * image.Height];
        image.CopyPixelDataTo(colour);
        var pixels = new byte[colour.Length * 3];
        for (int i = 0; i < colour.Length; i++)
        {
            pixels[i * 3] = (byte)(colour[i].R >> 8);
            pixels[i * 3 + 1] = (byte)(colour[i].G >> 8);
            pixels[i * 3 + 2] = (byte)(colour[i].B >> 8);
        }
        return new RgbImage(image.Width, image.Height, pixels);
    }
}
