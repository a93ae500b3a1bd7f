using CsCheck;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Tests.Foundation.Common;

/// <summary>Outside text in a Markdown table cell stays one cell of plain text, whatever its characters.</summary>
public class MarkdownTextTests
{
    [Fact]
    public void Pipes_html_and_markdown_in_names_are_escaped()
    {
        Assert.Equal(@"a\|b \<script\>x\</script\> \[link\](y) \*\*bold\*\*", MarkdownText.Cell("a|b <script>x</script> [link](y) **bold**"));
        Assert.Equal("two lines", MarkdownText.Cell("two\nlines"));
    }

    [Fact]
    public void Any_text_gives_a_cell_without_an_unescaped_pipe_or_line_break()
    {
        Gen.String.Sample(text =>
        {
            string cell = MarkdownText.Cell(text);
            Assert.DoesNotContain('\n', cell);
            for (int i = 0; i < cell.Length; i++)
                if (cell[i] is '|' or '<' or '>')
                {
                    int backslashes = 0;
                    for (int j = i - 1; j >= 0 && cell[j] == '\\'; j--) backslashes++;
                    Assert.True(backslashes % 2 == 1, $"unescaped '{cell[i]}' in {cell}");
                }
        });
    }
}
