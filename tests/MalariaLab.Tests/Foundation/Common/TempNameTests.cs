using CsCheck;
using MalariaLab.Foundation.Common;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Foundation.Common;

/// <summary>Errors name the file the user asked for, never the temp file an atomic write was going through.</summary>
public class TempNameTests
{
    [Fact]
    public void Unmask_writes_every_temp_name_as_its_file()
    {
        Gen.Select(Gen.String[Gen.Char["a-zA-Z0-9_.-"], 1, 30], Gen.String[Gen.Char["a-z/"], 0, 20]).Sample((name, folder) =>
        {
            if (name.StartsWith('.') || name.EndsWith('.')) return;
            string path = $"/{folder}/{name}";
            string temp = $"/{folder}/{TempFiles.NameFor(name)}";
            Assert.Equal($"No space left on device : '{path}'", TempFiles.Unmask($"No space left on device : '{temp}'"));
            Assert.Equal($"{path} and {path}", TempFiles.Unmask($"{temp} and {temp}"));
        });
        Assert.Equal("a .hidden file stays", TempFiles.Unmask("a .hidden file stays"));
    }

    [Fact]
    public void A_failed_atomic_write_names_the_target_not_the_temp_file()
    {
        using var temp = new TempFolder();
        string target = temp.File("report.md");
        Directory.CreateDirectory(target); // the rename over it fails
        var e = Assert.Throws<MalariaLabException>(() => AtomicFile.WriteAllText(target, "text"));
        Assert.StartsWith($"{target}: cannot be written", e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }
}
