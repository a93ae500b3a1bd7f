using System.Text;

namespace MalariaLab.Foundation.Common;

/// <summary>Text from outside (file and folder names, patient ids from file names, spec strings) placed in a Markdown
/// table cell: its characters are escaped so that a `|` cannot shift the columns and raw HTML or Markdown stays text.</summary>
public static class MarkdownText
{
    public static string Cell(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var cell = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (c is '\r' or '\n') { cell.Append(' '); continue; }
            if (c is '\\' or '|' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '!') cell.Append('\\');
            cell.Append(c);
        }
        return cell.ToString();
    }
}
