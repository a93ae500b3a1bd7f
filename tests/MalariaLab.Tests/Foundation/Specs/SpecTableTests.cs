using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Foundation.Specs;

public class SpecTableTests
{
    /// <summary>docs/spec.md's key table is exactly what `spec --markdown` prints (regenerate it with that command).</summary>
    [Fact]
    public void Docs_spec_table_is_the_generated_one()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "spec.md"));
        int begin = readme.IndexOf(SpecTable.Begin, StringComparison.Ordinal), end = readme.IndexOf(SpecTable.End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/spec.md has no generated spec table markers");
        string table = readme[(begin + SpecTable.Begin.Length)..end].Trim('\n');
        // A fresh process: the table of the shipped registries (tests here may register more).
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "spec", "--markdown");
        Assert.Equal(0, exit);
        Assert.Equal(output.TrimEnd('\n'), table);
    }

    [Fact]
    public void Every_key_is_a_row_with_its_type_and_default()
    {
        string table = SpecTable.Markdown();
        foreach (var key in SpecSchema.Keys) Assert.Contains($"| `{key.Path}` |", table);
        Assert.Contains("| `train.lr` | number [0, 10] | `0.0001` | Adam learning rate. |", table);
        Assert.Contains("| `name` | identifier | (required) |", table);
    }
}
