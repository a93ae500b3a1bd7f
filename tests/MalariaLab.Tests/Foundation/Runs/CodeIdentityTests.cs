using System.Diagnostics;
using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Foundation.Runs;

/// <summary>The code identity is the built library's, never the caller's directory or repository.</summary>
public class CodeIdentityTests
{
    [Fact]
    public void It_is_the_sha256_of_the_library_with_the_torch_versions()
    {
        string library = typeof(CodeIdentity).Assembly.Location;
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(library)));
        Assert.StartsWith($"malarialab-{sha[..16]}+torchsharp-", CodeIdentity.Value);
        Assert.Contains("+libtorch-2.10", CodeIdentity.Value);
    }

    [Fact]
    public void One_changed_byte_of_the_library_is_another_identity()
    {
        using var temp = new TempFolder();
        string copy = temp.File("MalariaLab.dll");
        File.Copy(typeof(CodeIdentity).Assembly.Location, copy);
        string before = CodeIdentity.Of(copy, "2.10.0", "0.107.0");
        var bytes = File.ReadAllBytes(copy);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(copy, bytes);
        Assert.NotEqual(before, CodeIdentity.Of(copy, "2.10.0", "0.107.0"));
    }

    /// <summary>Started from inside another git repository (with its own HEAD), the CLI reports the same code identity
    /// and the commit of the checkout that built it.</summary>
    [UnixFact]
    public void Another_working_directory_and_repository_give_the_same_identity()
    {
        using var other = new TempFolder();
        foreach (var args in new[] { "init -q", "-c user.email=t@t -c user.name=t commit -q --allow-empty -m other" })
            Process.Start(new ProcessStartInfo("git", args) { WorkingDirectory = other.Path })!.WaitForExit();
        var (exit, here) = CliProcess.Run(TestPaths.RepoRoot, "--version");
        Assert.Equal(0, exit);
        var (exit2, there) = CliProcess.Run(other.Path, "--version");
        Assert.Equal(0, exit2);
        Assert.Equal(here, there);
        Assert.Contains($"code {CodeIdentity.Value};", there);
    }
}
