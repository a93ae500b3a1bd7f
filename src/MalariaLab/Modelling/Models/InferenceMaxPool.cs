using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>A 2x2, stride-2 max-pool for inference on channels-last float32 and bfloat16 tensors, optionally with the
/// ReLU after it, in one pass of managed SIMD code on the calling thread. LibTorch's CPU max-pool always writes an int64
/// argmax per output too (18.9 MB for the seed network's first block at batch 256), which inference never reads. This
/// one makes LibTorch's choice: scanning the window row by row, a value replaces the running maximum when it is greater
/// or NaN (ties go to the first), and ReLU turns negatives into +0 and keeps -0 and NaN, as LibTorch's clamp_min does.
/// So the bits are LibTorch's pool and relu_'s, float32 NaN payloads included; only a bfloat16 NaN may differ in its
/// bits (this writes 0x7FC0; LibTorch's conversions write 0x7FC0 or 0xFFFF by where the value falls in their vector
/// loops). One thread, because LibTorch's OpenMP worker spins on the other core for a while after each of its own
/// parallel calls: on large inputs, which are bound by memory, one managed thread beat LibTorch's two; on small ones it
/// did not (docs/performance.md).</summary>
public static class InferenceMaxPool
{
    /// <summary>Inputs smaller than this go to LibTorch. Measured at 2 threads with the ReLU: from 4.7 MB up the managed
    /// pass was as fast or faster (float32 256 x 128 x 6 x 6: 0.23 against 0.22 ms; bfloat16 256 x 64 x 12 x 12: 0.37
    /// against 0.57 ms; the first block, 37.7 MB: 2.2 against 3.8 ms); at 2.4 MB LibTorch's two threads won.</summary>
    public const long ManagedFromBytes = 4L << 20;

    /// <summary>The managed pool (and ReLU when <paramref name="relu"/>) where it applies and was measured to pay: no
    /// autograd, CPU, float32 or bfloat16, channels-last, even sides, at least <see cref="ManagedFromBytes"/>, SIMD in
    /// hardware, and LibTorch on at most 2 threads (more may pool faster than one managed thread). Otherwise
    /// <paramref name="pool"/> (LibTorch's), then relu_.</summary>
    public static Tensor Pool2(Tensor x, Func<Tensor, Tensor> pool, bool relu = false)
    {
        if (Applies(x) && x.numel() * x.element_size() >= ManagedFromBytes && Vector256.IsHardwareAccelerated && get_num_threads() <= 2)
            return Pool(x, relu);
        var pooled = pool(x);
        return relu ? pooled.relu_() : pooled;
    }

    /// <summary>Whether <see cref="Pool"/> takes <paramref name="x"/>.</summary>
    public static bool Applies(Tensor x) =>
        !x.is_sparse && x.dim() == 4 && !x.requires_grad && x.device_type == TorchSharp.DeviceType.CPU
        && (x.dtype == ScalarType.Float32 || x.dtype == ScalarType.BFloat16)
        && x.shape[2] % 2 == 0 && x.shape[3] % 2 == 0 && x.numel() > 0 && x.numel() * x.element_size() <= int.MaxValue
        && LayeredNetwork.IsChannelsLast(x);

    /// <summary>The pooled tensor, channels-last like its input. Throws where <see cref="Applies"/> is false.</summary>
    public static Tensor Pool(Tensor x, bool relu = false)
    {
        if (!Applies(x)) throw new ArgumentException("InferenceMaxPool takes a 4-d channels-last CPU float32 or bfloat16 tensor with even sides and no autograd", nameof(x));
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        using var nhwc = x.permute(0, 2, 3, 1); // a contiguous view of x's memory
        using var output = empty([n, h / 2, w / 2, c], x.dtype, x.device);
        int rows = (int)(n * h / 2);
        if (x.dtype == ScalarType.Float32) Pool<float, Float32>(nhwc.bytes, output.bytes, rows, (int)w, (int)c, relu);
        else Pool<ushort, Bfloat16>(nhwc.bytes, output.bytes, rows, (int)w, (int)c, relu);
        return output.permute(0, 3, 1, 2);
    }

    /// <summary><paramref name="rows"/> output rows (images x output height), each from two input rows of
    /// <paramref name="width"/> pixels of <paramref name="channels"/> values of type <typeparamref name="T"/>, which
    /// <typeparamref name="TElement"/> loads as float32 and stores back.</summary>
    static unsafe void Pool<T, TElement>(Span<byte> input, Span<byte> output, int rows, int width, int channels, bool relu)
        where T : unmanaged where TElement : struct, IElement<T>
    {
        fixed (byte* inBytes = input)
        fixed (byte* outBytes = output)
        {
            T* top = (T*)inBytes, o = (T*)outBytes;
            int rowLength = width * channels;
            for (int r = 0; r < rows; r++, top += rowLength)
                for (int j = 0; j < width / 2; j++, top += 2 * channels, o += channels)
                {
                    T* bottom = top + rowLength;
                    int k = 0;
                    if (Vector512.IsHardwareAccelerated)
                        for (; k + Vector512<float>.Count <= channels; k += Vector512<float>.Count)
                            TElement.Store512(Relu(Take(Take(Take(TElement.Load512(top + k), TElement.Load512(top + channels + k)),
                                TElement.Load512(bottom + k)), TElement.Load512(bottom + channels + k)), relu), o + k);
                    for (; k + Vector256<float>.Count <= channels; k += Vector256<float>.Count)
                        TElement.Store256(Relu(Take(Take(Take(TElement.Load256(top + k), TElement.Load256(top + channels + k)),
                            TElement.Load256(bottom + k)), TElement.Load256(bottom + channels + k)), relu), o + k);
                    for (; k < channels; k++)
                        o[k] = TElement.Store(Relu(Take(Take(Take(TElement.Load(top[k]), TElement.Load(top[channels + k])),
                            TElement.Load(bottom[k])), TElement.Load(bottom[channels + k])), relu));
                }
        }
    }

    // LibTorch's rule: the candidate replaces the running maximum when it is greater, or NaN.
    static Vector512<float> Take(Vector512<float> max, Vector512<float> value) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(value, max) | ~Vector512.Equals(value, value), value, max);

    static Vector256<float> Take(Vector256<float> max, Vector256<float> value) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(value, max) | ~Vector256.Equals(value, value), value, max);

    // LibTorch's ReLU (clamp_min(x, 0), a vector max(0, x)): negatives become +0; -0 and NaN stay as they are.
    static Vector512<float> Relu(Vector512<float> x, bool relu) =>
        relu ? Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), Vector512<float>.Zero, x) : x;

    static Vector256<float> Relu(Vector256<float> x, bool relu) =>
        relu ? Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x) : x;

    static float Relu(float x, bool relu) => relu && x < 0 ? 0f : x;

    static float Take(float max, float value) => value > max || float.IsNaN(value) ? value : max;

    /// <summary>How one element type is read as float32 and written back, 16, 8 or 1 value at a time.</summary>
    interface IElement<T> where T : unmanaged
    {
        static abstract unsafe Vector512<float> Load512(T* p);
        static abstract unsafe void Store512(Vector512<float> values, T* p);
        static abstract unsafe Vector256<float> Load256(T* p);
        static abstract unsafe void Store256(Vector256<float> values, T* p);
        static abstract float Load(T value);
        static abstract T Store(float value);
    }

    readonly struct Float32 : IElement<float>
    {
        public static unsafe Vector512<float> Load512(float* p) => Vector512.Load(p);
        public static unsafe void Store512(Vector512<float> values, float* p) => values.Store(p);
        public static unsafe Vector256<float> Load256(float* p) => Vector256.Load(p);
        public static unsafe void Store256(Vector256<float> values, float* p) => values.Store(p);
        public static float Load(float value) => value;
        public static float Store(float value) => value;
    }

    /// <summary>A bfloat16 is the top half of a float32: widening is exact, and so is narrowing back a widened value.
    /// A NaN is written as <see cref="NaN"/>.</summary>
    readonly struct Bfloat16 : IElement<ushort>
    {
        public static unsafe Vector512<float> Load512(ushort* p) =>
            Vector512.ShiftLeft(Vector512.WidenLower(Vector512.Create(Vector256.Load(p), Vector256<ushort>.Zero)), 16).AsSingle();

        public static unsafe void Store512(Vector512<float> values, ushort* p)
        {
            var bits = Vector512.ConditionalSelect(Vector512.Equals(values, values).AsUInt32(), Vector512.ShiftRightLogical(values.AsUInt32(), 16), Vector512.Create((uint)NaN));
            Vector256.Narrow(bits.GetLower(), bits.GetUpper()).Store(p);
        }

        public static unsafe Vector256<float> Load256(ushort* p) =>
            Vector256.ShiftLeft(Vector256.WidenLower(Vector256.Create(Vector128.Load(p), Vector128<ushort>.Zero)), 16).AsSingle();

        public static unsafe void Store256(Vector256<float> values, ushort* p)
        {
            var bits = Vector256.ConditionalSelect(Vector256.Equals(values, values).AsUInt32(), Vector256.ShiftRightLogical(values.AsUInt32(), 16), Vector256.Create((uint)NaN));
            Vector128.Narrow(bits.GetLower(), bits.GetUpper()).Store(p);
        }

        public static float Load(ushort value) => BitConverter.Int32BitsToSingle(value << 16);
        public static ushort Store(float value) => float.IsNaN(value) ? NaN : (ushort)(BitConverter.SingleToUInt32Bits(value) >> 16);
    }

    /// <summary>The NaN c10's float-to-bfloat16 rounding writes (LibTorch's scalar loop; its vector loop writes 0xFFFF).</summary>
    const ushort NaN = 0x7FC0;
}
