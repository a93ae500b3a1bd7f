using System.Security.Cryptography;

namespace MalariaLab.Foundation.Runs;

/// <summary>The identity of the code that runs: the SHA-256 of the built MalariaLab library (a deterministic build,
/// see Directory.Build.props) with the TorchSharp and LibTorch versions. A commit that touches only docs, a different
/// working directory or another clone of the same sources give the same identity; a change in src/ that changes the
/// compiled library gives another. The caller's git repository plays no part.</summary>
public static class CodeIdentity
{
    static readonly Lazy<string> Current = new(() => Of(typeof(CodeIdentity).Assembly.Location, TorchSharp.torch.__version__,
        typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown"));

    /// <summary>"malarialab-&lt;first 16 hex of the library's SHA-256&gt;+torchsharp-&lt;v&gt;+libtorch-&lt;v&gt;".</summary>
    public static string Value => Current.Value;

    public static string Of(string libraryPath, string libTorchVersion, string torchSharpVersion)
    {
        using var file = File.OpenRead(libraryPath);
        string sha = Convert.ToHexStringLower(SHA256.HashData(file));
        return $"malarialab-{sha[..16]}+torchsharp-{torchSharpVersion}+libtorch-{libTorchVersion}";
    }
}
