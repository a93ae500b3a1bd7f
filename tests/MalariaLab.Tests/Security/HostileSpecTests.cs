using System.Diagnostics;
using System.Text;
using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Security;

/// <summary>Specs and --set values written to hurt: each ends in one SpecException naming where, quickly.</summary>
public class HostileSpecTests
{
    static SpecException Refused(string yaml, params string[] sets)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse(yaml, "evil.yaml", sets));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        return e;
    }

    [Fact]
    public void Billion_laughs_is_refused_at_the_first_alias_or_anchor()
    {
        var yaml = new StringBuilder("name: a\nseed: 1\ndescription: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i < 10; i++) yaml.Append($"l{i}: &l{i} [*l{i - 1},*l{i - 1},*l{i - 1},*l{i - 1},*l{i - 1},*l{i - 1},*l{i - 1},*l{i - 1},*l{i - 1}]\n");
        var e = Refused(yaml.ToString());
        Assert.StartsWith("evil.yaml:3:14: YAML anchors (&l0) are not allowed", e.Message);
    }

    [Fact]
    public void A_self_referencing_alias_is_refused_not_a_stack_overflow()
    {
        Assert.StartsWith("evil.yaml:1:4: YAML anchors (&a) are not allowed", Refused("x: &a [*a]\n").Message);
        Assert.StartsWith("evil.yaml:3:14: YAML aliases (*name) are not allowed", Refused("name: a\nseed: 1\ndescription: *b\n").Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_before_it_is_built()
    {
        string deep = "name: a\nseed: 1\nx: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        Assert.Contains("nested more than 32 levels deep", Refused(deep).Message);
    }

    [Theory]
    [InlineData("train.lr=", "'train.lr': expected a number in [0, 10], found null")]
    [InlineData("train.lr=...", "value is empty once read as YAML")]
    [InlineData("description=# first try", "value is empty once read as YAML")]
    [InlineData("description=a\n---\nb", "value holds more than one YAML document")]
    [InlineData("description=*x", "YAML aliases (*name) are not allowed")]
    public void Set_values_that_are_no_yaml_document_are_spec_errors(string set, string expected)
    {
        var e = Refused("name: a\nseed: 1\n", set);
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("--set ", e.Message);
    }

    [Fact]
    public void Names_with_a_trailing_newline_or_300_characters_are_refused_when_read()
    {
        Assert.Contains("found 'evil\\n'", Refused("name: \"evil\\n\"\nseed: 1\n").Message);
        Assert.Contains("found 300 characters", Refused($"name: {new string('a', 300)}\nseed: 1\n").Message);
        Assert.Contains("expected a name of 1-64 letters", Refused("name: a\nseed: 1\n", "name=\"x\ny\"").Message);
    }

    [Fact]
    public void Latin1_bytes_are_named_by_offset_and_tabs_by_line()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("latin1.yaml"), [.. "name: a\nseed: 1\ndescription: caf"u8, 0xE9, (byte)'\n']);
        var e = Assert.Throws<SpecException>(() => SpecLoader.LoadFile(temp.File("latin1.yaml")));
        Assert.Equal($"{temp.File("latin1.yaml")}:3: not UTF-8: invalid byte 0xE9 at byte offset 32; save the file as UTF-8", e.Message);

        Assert.Equal("evil.yaml:4:1: a tab in the indentation; YAML indents with spaces only", Refused("name: a\nseed: 1\ntrain:\n\tlr: 0.1\n").Message);
    }

    [Fact]
    public void Rules_between_keys_fail_when_the_spec_is_read()
    {
        Assert.Equal("evil.yaml:3:21: 'split.validation': must be above 0: training needs validation images (early stopping and the best checkpoint watch them)",
            Refused("name: a\nseed: 1\nsplit: {validation: 0}\n").Message);
        Assert.Contains("'split.test': validation (0.5) + test (0.5) must be below 1", Refused("name: a\nseed: 1\nsplit: {validation: 0.5, test: 0.5}\n").Message);
        Assert.Contains("'split.fold': 5 is not a fold of 5", Refused("name: a\nseed: 1\n", "split.fold=5").Message);
    }

    [Fact]
    public void A_spec_file_larger_than_a_megabyte_is_refused_unread()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("big.yaml"), "name: a\nseed: 1\ndescription: \"" + new string('x', 2_000_000) + "\"\n");
        Assert.Contains("a spec is a few kilobytes", Assert.Throws<SpecException>(() => SpecLoader.LoadFile(temp.File("big.yaml"))).Message);
    }
}
