using TorchSharp;
using static TorchSharp.torch;

namespace MalariaLab.Foundation.Native;

/// <summary>Tensor arithmetic with numbers whose native Scalar outlives the call.
/// TorchSharp 0.107 turns a number given to a tensor op (x * 0.5, clamp(0, 1), and the alpha of 1 that a + b
/// passes) into a Scalar whose only reference is the argument. Once the op has read its handle, a garbage
/// collection started by any other thread can finalize it, and the finalizer frees the native c10::Scalar while
/// LibTorch is still reading it: a use after free, seen here as "Expected false to be true ... toFloat" and
/// "Unknown scalar type" errors mid-run (35 in 200,000 `a.mul(2.0).add(b)` calls with a thread collecting
/// beside them), and able in principle to hand the op another number. Here a Scalar is either static (reachable
/// for the life of the process, never finalized) or held by `using` until the op has returned. Same Scalar
/// types as the implicit conversions, so the same bits.</summary>
public static class HeldScalars
{
    static readonly Scalar One = 1.ToScalar();
    static readonly Scalar Zero = 0.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a − b (TorchSharp's sub of two tensors passes no Scalar).</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.sub(b);

    /// <summary>a · f.</summary>
    public static Tensor Times(this Tensor a, double f)
    {
        using var s = f.ToScalar();
        return a.mul(s);
    }

    /// <summary>a · f, in place.</summary>
    public static Tensor TimesInPlace(this Tensor a, double f)
    {
        using var s = f.ToScalar();
        return a.mul_(s);
    }

    /// <summary>a + 1, in place (a counter).</summary>
    public static Tensor IncrementInPlace(this Tensor a) => a.add_(One, One);

    /// <summary>a + v.</summary>
    public static Tensor PlusNumber(this Tensor a, double v)
    {
        using var s = v.ToScalar();
        return a.add(s, One);
    }

    /// <summary>a + v, in place.</summary>
    public static Tensor PlusNumberInPlace(this Tensor a, double v)
    {
        using var s = v.ToScalar();
        return a.add_(s, One);
    }

    /// <summary>a / v (an integer, as a / views).</summary>
    public static Tensor DividedBy(this Tensor a, int v)
    {
        using var s = v.ToScalar();
        return a.div(s);
    }

    /// <summary>a / v, in place.</summary>
    public static Tensor DividedInPlace(this Tensor a, double v)
    {
        using var s = v.ToScalar();
        return a.div_(s);
    }

    /// <summary>a + alpha · b, in place.</summary>
    public static Tensor AddScaledInPlace(this Tensor a, Tensor b, double alpha)
    {
        using var s = alpha.ToScalar();
        return a.add_(b, s);
    }

    /// <summary>a + value · b · c, in place.</summary>
    public static Tensor AddProductInPlace(this Tensor a, Tensor b, Tensor c, double value)
    {
        using var s = value.ToScalar();
        return a.addcmul_(b, c, s);
    }

    /// <summary>a + value · b / c, in place.</summary>
    public static Tensor AddQuotientInPlace(this Tensor a, Tensor b, Tensor c, double value)
    {
        using var s = value.ToScalar();
        return a.addcdiv_(b, c, s);
    }

    /// <summary>a ≥ 0 (a logit's "Parasitized").</summary>
    public static Tensor NonNegative(this Tensor a) => a.ge(Zero);

    /// <summary>a &gt; 0.</summary>
    public static Tensor Positive(this Tensor a) => a.gt(Zero);
}
