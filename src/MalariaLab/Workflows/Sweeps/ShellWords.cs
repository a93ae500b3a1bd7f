using System.Text.RegularExpressions;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>POSIX shell quoting for emitted scripts: each argument becomes exactly one word, whatever it holds
/// (spaces, quotes, $, backslashes, newlines), so a path with spaces reaches the CLI as one argument.</summary>
public static partial class ShellWords
{
    public static string Quote(string word) =>
        word.Length > 0 && SafePattern().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''") + "'";

    public static string Join(IEnumerable<string> words) => string.Join(" ", words.Select(Quote));

    // Characters the shell never treats specially in a word: left bare so the scripts stay readable.
    [GeneratedRegex("^[A-Za-z0-9_./=:,+@%-]+$")]
    private static partial Regex SafePattern();
}
