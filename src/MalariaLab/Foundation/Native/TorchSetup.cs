using System.Runtime.InteropServices;

namespace MalariaLab.Foundation.Native;

/// <summary>The one place a process sets LibTorch up before it computes: the intra-op thread count, and NNPACK off.
/// LibTorch tries NNPACK for batched 3x3 convolutions and, on CPUs it does not support (every host here), warns
/// "Could not initialize NNPACK! Reason: Unsupported hardware." on each try (TORCH_CPP_LOG_LEVEL does not reach those
/// warnings, which c10 prints before its logging is initialised). Turning it off the way
/// torch.backends.nnpack.set_flags(False) does, at::globalContext().setUserEnabledNNPACK(false), makes the check stop
/// before NNPACK is asked; every host then runs oneDNN's convolutions, so no host silently uses a third kernel family.
/// TorchSharp does not bind that switch, so it is called in libtorch_cpu by its exported name.</summary>
public static unsafe class TorchSetup
{
    static int _nnpackOff;

    public static void Threads(int threads)
    {
        DisableNnpack();
        TorchSharp.torch.set_num_threads(threads);
    }

    public static void DisableNnpack()
    {
        if (Interlocked.Exchange(ref _nnpackOff, 1) == 1 || !OperatingSystem.IsLinux()) return;
        _ = TorchSharp.torch.__version__; // loads the native libraries
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var library)) return;
        if (!NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var globalContext)
            || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setEnabled)) return;
        var context = ((delegate* unmanaged<IntPtr>)globalContext)();
        ((delegate* unmanaged<IntPtr, byte, void>)setEnabled)(context, 0);
    }

    /// <summary>Whether NNPACK is still enabled (for the test of the switch); null where the export is not found.</summary>
    public static bool? NnpackEnabled()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libtorch_cpu.so", out var library)) return null;
        if (!NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var globalContext)
            || !NativeLibrary.TryGetExport(library, "_ZNK2at7Context17userEnabledNNPACKEv", out var enabled)) return null;
        var context = ((delegate* unmanaged<IntPtr>)globalContext)();
        return ((delegate* unmanaged<IntPtr, byte>)enabled)(context) != 0;
    }
}
