using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Foundation.Native;

/// <summary>The GLIBCXX_3.4.32 fix (build/msbuild/ElfVersionPatch.cs, run from Directory.Build.targets).</summary>
public class GlibcxxPatchTests
{
    static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");

    [LinuxFact]
    public void Test_output_copy_has_the_requirement_marked_weak()
    {
        var requirement = ElfVersionPatch.ReadRequirements(File.ReadAllBytes(OutputCopy)).Single(r => r.Version == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", requirement.Library);
        Assert.True(requirement.IsWeak);
        // Only that one requirement changed.
        Assert.All(ElfVersionPatch.ReadRequirements(File.ReadAllBytes(OutputCopy)).Where(r => r.Version != "GLIBCXX_3.4.32"), r => Assert.False(r.IsWeak));
    }

    const string NugetCopy = ".nuget/packages/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so";

    [FactWhenFileExists("NUGET_PACKAGES", NugetCopy)]
    public void Patch_sets_only_the_weak_flag_and_is_idempotent()
    {
        string nugetCopy = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } root
            ? Path.Combine(root, NugetCopy.Split('/', 3)[2])
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), NugetCopy);
        var original = File.ReadAllBytes(nugetCopy);
        Assert.False(ElfVersionPatch.ReadRequirements(original).Single(r => r.Version == "GLIBCXX_3.4.32").IsWeak); // the cache is never touched

        using var temp = new TempFolder();
        string copy = temp.File("lib.so");
        File.WriteAllBytes(copy, original);
        Assert.True(ElfVersionPatch.MakeWeak(copy, "GLIBCXX_3.4.32"));
        var patched = File.ReadAllBytes(copy);
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        var flags = ElfVersionPatch.ReadRequirements(original).Single(r => r.Version == "GLIBCXX_3.4.32").FlagsOffset;
        Assert.Equal([(int)flags], differing);
        Assert.Equal(original[flags] | 2, patched[flags]);
        Assert.False(ElfVersionPatch.MakeWeak(copy, "GLIBCXX_3.4.32"));
        Assert.False(ElfVersionPatch.MakeWeak(copy, "GLIBCXX_9.9"));
    }

    [Fact]
    public void LibTorch_loads()
    {
        using var t = TorchSharp.torch.ones(2, 3);
        Assert.Equal(6f, t.sum().item<float>());
    }
}
