using MalariaLab.Foundation.Common;
using Microsoft.ML.OnnxRuntime;

namespace MalariaLab.Modelling.Export;

/// <summary>Runs a MalariaLab ONNX file with ONNX Runtime: uint8 NHWC images in, probabilities out. The execution
/// provider is asked for by name; one missing from the installed ONNX Runtime package is a one-line error (the CPU
/// package has only the CPU provider; CUDA needs Microsoft.ML.OnnxRuntime.Gpu, see README "ONNX").</summary>
public sealed class OnnxRunner : IDisposable
{
    /// <summary>--onnx-provider values → ONNX Runtime's provider names.</summary>
    public static readonly IReadOnlyDictionary<string, string> Providers = new Dictionary<string, string>
    {
        ["cpu"] = "CPUExecutionProvider",
        ["cuda"] = "CUDAExecutionProvider",
        ["tensorrt"] = "TensorrtExecutionProvider",
        ["dml"] = "DmlExecutionProvider",
        ["coreml"] = "CoreMLExecutionProvider",
    };

    readonly InferenceSession _session;
    readonly RunOptions _runOptions = new();
    public int Size { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public OnnxRunner(string path, string provider = "cpu", int threads = 0) : this(path, null, provider, threads) { }

    /// <summary>A model held in memory (Bench exports one without writing a file).</summary>
    public static OnnxRunner FromBytes(byte[] model, string provider = "cpu", int threads = 0) => new("(in-memory model)", model, provider, threads);

    OnnxRunner(string path, byte[]? model, string provider, int threads)
    {
        if (!Providers.TryGetValue(provider, out var ortName))
            throw new MalariaLabException($"--onnx-provider={provider}: unknown execution provider; expected one of {string.Join(", ", Providers.Keys)}");
        var available = OrtEnv.Instance().GetAvailableProviders();
        if (!available.Contains(ortName))
            throw new MalariaLabException($"--onnx-provider={provider}: ONNX Runtime's {ortName} is not in this build (available: {string.Join(", ", available)}); " +
                                          (provider == "cuda" ? "reference Microsoft.ML.OnnxRuntime.Gpu instead of Microsoft.ML.OnnxRuntime (README: ONNX)" : "install the ONNX Runtime package that has it"));
        using var options = new SessionOptions { ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        switch (provider)
        {
            case "cuda": options.AppendExecutionProvider_CUDA(0); break;
            case "tensorrt": options.AppendExecutionProvider_Tensorrt(0); break;
            case "dml": options.AppendExecutionProvider_DML(0); break;
            case "coreml": options.AppendExecutionProvider_CoreML(); break;
        }
        try
        {
            _session = model is null ? new InferenceSession(path, options) : new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new MalariaLabException($"{path}: ONNX Runtime cannot load it ({e.Message})", e);
        }
        var input = _session.InputMetadata.TryGetValue(OnnxModelFile.Input, out var meta) ? meta
            : throw new MalariaLabException($"{path}: no input named '{OnnxModelFile.Input}' (has {string.Join(", ", _session.InputMetadata.Keys)})");
        Size = input.Dimensions.Length == 4 && input.Dimensions[1] > 0 ? input.Dimensions[1]
            : throw new MalariaLabException($"{path}: input '{OnnxModelFile.Input}' has shape [{string.Join(", ", input.Dimensions)}], expected [N, size, size, 3]");
        Metadata = _session.ModelMetadata.CustomMetadataMap;
    }

    /// <summary>P(Parasitized) for <paramref name="count"/> images of Size x Size x 3 bytes each, back to back.</summary>
    public float[] Probabilities(byte[] nhwc, int count)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(nhwc, [count, Size, Size, 3]);
        using var outputs = _session.Run(_runOptions, [OnnxModelFile.Input], [input], [OnnxModelFile.Probability]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
