using System.Runtime.InteropServices;

namespace MalariaLab.Foundation.Native;

/// <summary>LibTorch logs warnings such as "Could not initialize NNPACK! Reason: Unsupported hardware." on CPUs NNPACK
/// does not support; they say nothing a user can act on. c10 reads its level from TORCH_CPP_LOG_LEVEL when the native
/// library loads, and .NET's Environment.SetEnvironmentVariable does not reach the C environment on Unix, so this sets
/// it with libc's setenv, before anything touches TorchSharp. An explicit TORCH_CPP_LOG_LEVEL is left alone.</summary>
public static partial class LibTorchLog
{
    public static void Quiet()
    {
        if (OperatingSystem.IsWindows()) { Environment.SetEnvironmentVariable("TORCH_CPP_LOG_LEVEL", Environment.GetEnvironmentVariable("TORCH_CPP_LOG_LEVEL") ?? "ERROR"); return; }
        try
        {
            setenv("TORCH_CPP_LOG_LEVEL", "ERROR", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // no libc to ask: the warnings stay
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
