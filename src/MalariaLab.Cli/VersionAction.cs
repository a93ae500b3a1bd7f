using System.CommandLine;
using System.CommandLine.Invocation;
using MalariaLab.Foundation.Runs;

namespace MalariaLab.Cli;

/// <summary>--version: the product, its commit, and the TorchSharp / LibTorch / .NET it runs on.</summary>
public sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var env = EnvironmentInfo.Capture();
        Console.Out.WriteLine($"MalariaLab {env.MalariaLabVersion} (commit {env.GitCommit}{(env.GitDirty ? ", uncommitted changes" : "")})");
        Console.Out.WriteLine($"TorchSharp {env.TorchSharpVersion}, LibTorch {env.LibTorchVersion}, {env.DotNetVersion}, {env.Os}");
        return 0;
    }
}
