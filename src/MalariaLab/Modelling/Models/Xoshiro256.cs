namespace MalariaLab.Modelling.Models;

/// <summary>xoshiro256** (Blackman and Vigna), the reference algorithm: a fast generator for dropout masks.
/// Its state is seeded from LibTorch's seeded generator, so masks follow the spec's seed.</summary>
public sealed class Xoshiro256(ulong s0, ulong s1, ulong s2, ulong s3)
{
    ulong _s0 = s0, _s1 = s1, _s2 = s2, _s3 = s3;

    public ulong Next()
    {
        ulong result = Rotl(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = Rotl(_s3, 45);
        return result;
    }

    public void Fill(Span<ulong> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = Next();
    }

    /// <summary>The generator's state (to checkpoint it) and its restoration.</summary>
    public ulong[] State
    {
        get => [_s0, _s1, _s2, _s3];
        set => (_s0, _s1, _s2, _s3) = (value[0], value[1], value[2], value[3]);
    }

    static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));
}
