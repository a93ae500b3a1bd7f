using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MalariaLab.Foundation.Common;

/// <summary>The one source of randomness: every random choice is SHA-256 of (spec seed, purpose, key).
/// It is the same on every machine, OS and .NET version (System.Random's algorithm is not promised to stay
/// the same), and independent of enumeration order because items are ordered by their own key.</summary>
public static class SeedSource
{
    /// <summary>A 64-bit value for (seed, purpose, key): the first 8 bytes of SHA-256("seed/purpose/key"), little-endian.</summary>
    public static ulong Draw(long seed, string purpose, string key = "")
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}/{purpose}/{key}"), hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    /// <summary>A seed for LibTorch's generator (weights init, dropout), kept below 2^63.</summary>
    public static long TorchSeed(long seed, string purpose) => (long)(Draw(seed, purpose) >> 1);

    /// <summary>Items in a seeded random order: sorted by Draw(seed, purpose, key); ties (never seen) by key.</summary>
    public static List<T> Shuffle<T>(IEnumerable<T> items, Func<T, string> key, long seed, string purpose) =>
        items.Select(item => (item, k: key(item)))
            .Select(p => (p.item, p.k, draw: Draw(seed, purpose, p.k)))
            .OrderBy(p => p.draw).ThenBy(p => p.k, StringComparer.Ordinal)
            .Select(p => p.item).ToList();

    /// <summary>A permutation of 0..count-1 for (seed, purpose): e.g. the batch order of one epoch.</summary>
    public static int[] Permutation(int count, long seed, string purpose)
    {
        var draws = new ulong[count];
        var order = new int[count];
        for (int i = 0; i < count; i++) { draws[i] = Draw(seed, purpose, i.ToString(System.Globalization.CultureInfo.InvariantCulture)); order[i] = i; }
        Array.Sort(draws, order);
        return order;
    }
}
