using MalariaLab.Foundation.Common;

namespace MalariaLab.Cli;

/// <summary>Turns the library's errors into one line on stderr and exit code 1; anything else is a bug and keeps its trace.</summary>
public static class ErrorHandling
{
    public const int Error = ExitCodes.Error, Usage = ExitCodes.Usage;

    public static int Run(Func<int> action, ILog log)
    {
        try
        {
            return action();
        }
        catch (MalariaLabException e)
        {
            Fail(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Disk full, permissions, a file vanishing: the OS message names the path; writes are atomic, so nothing is half-written.
            Fail(e.Message);
        }
        catch (OperationCanceledException)
        {
            log.Warn("cancelled");
        }
        return Error;
    }

    static void Fail(string message)
    {
        Console.Out.Flush();
        Console.Error.WriteLine($"error: {TempFiles.Unmask(message)}");
    }
}
