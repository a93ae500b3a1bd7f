/// <summary>Loaded by the runtime before Main when DOTNET_STARTUP_HOOKS names this assembly (the type must be called
/// StartupHook and sit outside any namespace). It starts a background thread that collects and runs finalizers back
/// to back for the life of the process: a native object whose managed owner is unreachable while LibTorch still uses
/// it (an implicit Scalar, a temporary tensor) is then freed mid-call in most runs instead of one run in many.</summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        // Said on stderr (the CLI's log), so a test sees that the collector ran in the process it checked.
        Console.Error.WriteLine("collector stress: collecting back to back");
        new Thread(() =>
        {
            while (true)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true, Name = "collector stress" }.Start();
    }
}
