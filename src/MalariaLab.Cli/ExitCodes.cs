namespace MalariaLab.Cli;

/// <summary>The CLI's documented exit codes (docs/cli.md); build.sh and build.ps1 pass them through unchanged.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>An error, named in one line on stderr (a file, a key, a URL).</summary>
    public const int Error = 1;
    /// <summary>An unknown option or command, a missing or mistyped value.</summary>
    public const int Usage = 2;
    /// <summary>A run did not finish (Ctrl+C): it is marked incomplete and the same Train resumes it.</summary>
    public const int Incomplete = 3;
    /// <summary>Predict: some inputs were unreadable (their rows carry the error).</summary>
    public const int UnreadableInputs = 4;
    /// <summary>Reproduce: the retrained run differs.</summary>
    public const int NotReproduced = 5;
    /// <summary>Stopped by SIGTERM (128 + 15), as schedulers expect; the run resumes on the next Train.</summary>
    public const int Terminated = 143;
}
