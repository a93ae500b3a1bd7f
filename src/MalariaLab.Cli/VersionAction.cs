using System.CommandLine;
using System.CommandLine.Invocation;
using MalariaLab.Foundation.Runs;

namespace MalariaLab.Cli;

/// <summary>--version: the product, its commit, the TorchSharp / LibTorch / .NET it runs on, the code identity runs record and the ISA.</summary>
public sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var env = EnvironmentInfo.Capture();
        Console.Out.WriteLine($"MalariaLab {env.MalariaLabVersion} (commit {env.GitCommit}{(env.GitDirty ? ", uncommitted changes" : "")})");
        Console.Out.WriteLine($"TorchSharp {env.TorchSharpVersion}, LibTorch {env.LibTorchVersion}, {env.DotNetVersion}, {env.Os}");
        Console.Out.WriteLine($"code {env.Code}; CPU instruction set {env.Isa}");
        return 0;
    }
}
