using System.Buffers.Binary;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Tests.Support;

/// <summary>Small files that decode to a lot of memory when a decoder reads every frame or trusts the header.</summary>
public static class HostileImages
{
    /// <summary>A GIF with a 4000 x 4000 canvas and <paramref name="frames"/> one-pixel frames: 15 bytes a frame.</summary>
    public static byte[] ManyFrameGif(int frames)
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

    /// <summary>A little-endian TIFF of <paramref name="pages"/> black 4000 x 4000 one-bit pages that all share one
    /// PackBits strip (8 bytes a row): about 33 KB whatever the page count.</summary>
    public static byte[] ManyPageTiff(int pages)
    {
        const int side = 4000, rowBytes = side / 8;
        var strip = new List<byte>();
        for (int row = 0; row < side; row++)
        {
            for (int left = rowBytes; left > 0;)
            {
                int run = Math.Min(128, left);
                strip.Add((byte)(257 - run)); // PackBits: -(run - 1) repeats the next byte run times
                strip.Add(0);
                left -= run;
            }
        }
        const int entries = 9, ifdSize = 2 + entries * 12 + 4;
        var file = new List<byte>("II*\0"u8.ToArray());
        file.AddRange(BitConverter.GetBytes(8 + strip.Count)); // the first IFD follows the strip
        file.AddRange(strip);
        for (int page = 0; page < pages; page++)
        {
            int next = page + 1 < pages ? file.Count + ifdSize : 0;
            file.AddRange(BitConverter.GetBytes((ushort)entries));
            void Entry(ushort tag, ushort type, int value)
            {
                file.AddRange(BitConverter.GetBytes(tag));
                file.AddRange(BitConverter.GetBytes(type));
                file.AddRange(BitConverter.GetBytes(1));
                file.AddRange(type == 3 ? [.. BitConverter.GetBytes((ushort)value), 0, 0] : BitConverter.GetBytes(value));
            }
            Entry(256, 4, side);          // ImageWidth
            Entry(257, 4, side);          // ImageLength
            Entry(258, 3, 1);             // BitsPerSample
            Entry(259, 3, 32773);         // Compression: PackBits
            Entry(262, 3, 1);             // Photometric: BlackIsZero
            Entry(273, 4, 8);             // StripOffsets: the shared strip
            Entry(277, 3, 1);             // SamplesPerPixel
            Entry(278, 4, side);          // RowsPerStrip
            Entry(279, 4, strip.Count);   // StripByteCounts
            file.AddRange(BitConverter.GetBytes(next));
        }
        return [.. file];
    }

    /// <summary>A 16-bit RGBA PNG header declaring <paramref name="side"/>² pixels, with no pixel data.</summary>
    public static byte[] Big16BitPng(int side)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, side);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), side);
        ihdr[8] = 16; // bit depth
        ihdr[9] = 6;  // RGBA
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", ihdr), .. Chunk("IEND", [])];
    }

    public static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.Of(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }
}
