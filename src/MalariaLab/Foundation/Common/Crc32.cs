namespace MalariaLab.Foundation.Common;

/// <summary>CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zip stores per entry.</summary>
public sealed class Crc32
{
    static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    uint _crc = 0xFFFFFFFFu;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        uint crc = _crc;
        foreach (byte b in bytes) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        _crc = crc;
    }

    public uint Value => _crc ^ 0xFFFFFFFFu;

    public static uint Of(ReadOnlySpan<byte> bytes)
    {
        var crc = new Crc32();
        crc.Append(bytes);
        return crc.Value;
    }
}
