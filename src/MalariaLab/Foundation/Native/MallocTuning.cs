using System.Runtime.InteropServices;

namespace MalariaLab.Foundation.Native;

/// <summary>Keeps glibc from handing LibTorch's large per-step buffers back to the OS (and page-faulting
/// them in again every step): no mmap for big blocks, no trimming. Linux/glibc only; a no-op elsewhere.
/// Same effect as GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=2147483647.</summary>
public static partial class MallocTuning
{
    const int M_TRIM_THRESHOLD = -1;
    const int M_MMAP_MAX = -4;

    public static bool Applied { get; private set; }

    public static void Apply()
    {
        if (Applied || !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALARIALAB_NO_MALLOPT") == "1") return;
        try
        {
            Applied = mallopt(M_MMAP_MAX, 0) == 1 & mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Applied = false; // musl or another libc: nothing to tune
        }
    }

    /// <summary>Gives the free heap memory back to the OS (glibc malloc_trim): between phases that allocate in
    /// different sizes, so one phase's freed buffers do not count against the next. A no-op elsewhere.</summary>
    public static void ReleaseFreeMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            malloc_trim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // musl or another libc: nothing to release
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
