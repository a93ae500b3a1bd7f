using System.IO.Compression;
using CsCheck;
using MalariaLab.Foundation.Common;
using MalariaLab.Data.Extract;
using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Security;

/// <summary>Property-based checks with CsCheck generators, driven by a fixed PCG seed and a fixed count so every run
/// tries the same cases: spec text and --set values only ever give a SpecException; zip entry names never write
/// outside the target.</summary>
public class PropertyTests
{
    const ulong Seed = 20261126;

    static void ForAll<T>(Gen<T> gen, int count, Action<T> property)
    {
        var pcg = new PCG(1, Seed);
        for (int i = 0; i < count; i++)
        {
            var value = gen.Generate(pcg, null, out _);
            try { property(value); }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"case {i} ({Check.Print(value)}): {e.GetType().Name}: {e.Message}");
            }
        }
    }

    // Pieces of YAML that matter: structure, anchors and aliases, comments, quotes, tabs, document markers, keys.
    static readonly Gen<string> Token = Gen.OneOf(
        "name", "seed", "train", "lr", "split", "sweep", "model", "arch", "validation", ":", ": ", "-", "- ", "[", "]", "{", "}", ",",
        "&a", "*a", "!!str", "!!binary", "#", "'", "\"", "\\", "\n", "\n  ", "\t", " ", "---", "...", "~", "null", "0.001", "1e309", "-1",
        "é", "\u0000", "\uFEFF", "%YAML 1.2", "? ", "|", ">", "<<: *a", "9999999999999999999");

    static readonly Gen<string> SpecText = Gen.Frequency(
        (3, Token.Array[0, 40].Select(parts => "name: a\nseed: 1\n" + string.Concat(parts))),
        (1, Token.Array[0, 60].Select(string.Concat)));

    [Fact]
    public void Spec_text_gives_a_spec_or_a_spec_error_never_a_crash()
    {
        ForAll(SpecText, 10000, text =>
        {
            try { SpecLoader.Parse(text, "gen.yaml"); }
            catch (SpecException) { }
        });
    }

    [Fact]
    public void Set_values_give_a_spec_or_a_spec_error_never_a_crash()
    {
        var keys = Gen.OneOf("train.lr", "description", "name", "seed", "split.validation", "model.arch", "train", "sweep", "x.y", "", "=", "train.lr.x");
        ForAll(Gen.Select(keys, Token.Array[0, 12].Select(string.Concat)), 10000, pair =>
        {
            try { SpecLoader.Parse("name: a\nseed: 1\n", "base.yaml", [$"{pair.Item1}={pair.Item2}"]); }
            catch (SpecException) { }
        });
    }

    static readonly Gen<string> EntryName = Gen.Select(
        Gen.OneOf("..", ".", "a", "b.png", "/", "\\", "C:", "c:\\", "", " ", "~", "é", "%2e%2e", "....", "./", "..\\", "\u0000", "__MACOSX").Array[1, 8],
        Gen.OneOf("/", "\\", ""),
        (parts, separator) => string.Join(separator, parts));

    [Fact]
    public void Zip_entry_names_never_write_outside_the_target()
    {
        using var temp = new TempFolder();
        int extracted = 0;
        ForAll(EntryName.Array[1, 4], 1500, names =>
        {
            string zip = temp.File("case.zip"), target = temp.File("sandbox/target");
            File.Delete(zip);
            if (Directory.Exists(temp.File("sandbox"))) Directory.Delete(temp.File("sandbox"), recursive: true);
            Directory.CreateDirectory(temp.File("sandbox"));
            try
            {
                using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
                    foreach (var name in names)
                        using (var stream = archive.CreateEntry(name).Open()) stream.Write([1, 2, 3]);
            }
            catch (Exception e) when (e is ArgumentException or IOException) { return; } // the zip library refuses to write such a name
            try
            {
                SafeZipExtractor.Extract(zip, target);
                extracted++;
            }
            catch (MalariaLabException) { }
            // Only the target may have appeared in the sandbox; nothing beside the temp root.
            Assert.All(Directory.GetFileSystemEntries(temp.File("sandbox")), e => Assert.Equal(target, e));
            Assert.Equal(["case.zip", "sandbox"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
            if (Directory.Exists(target))
                Assert.All(Directory.GetFiles(target, "*", SearchOption.AllDirectories), f => Assert.StartsWith(target + "/", f));
        });
        Assert.True(extracted > 20, $"only {extracted} archives were extractable: the generator is too narrow to mean anything");
    }
}
