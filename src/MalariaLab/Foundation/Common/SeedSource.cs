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

    /// <summary>Eight 32-bit values for (seed, purpose, key) at once: the whole SHA-256("seed/purpose/key") as
    /// little-endian words (one hash where a choice needs several independent numbers).</summary>
    public static void Words(long seed, string purpose, string key, Span<uint> words)
    {
        if (words.Length != 8) throw new ArgumentException($"a SHA-256 holds 8 words, not {words.Length}", nameof(words));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}/{purpose}/{key}"), hash);
        for (int i = 0; i < 8; i++) words[i] = BinaryPrimitives.ReadUInt32LittleEndian(hash[(4 * i)..]);
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
