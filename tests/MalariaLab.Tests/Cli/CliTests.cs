using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Cli;

/// <summary>The command line as users meet it: help with the command's own options and an example, the version
/// with the native library versions, usage errors with exit code 2.</summary>
public class CliTests
{
    [Fact]
    public void Help_lists_only_the_commands_options_with_an_example()
    {
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "predict", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("Example:", output);
        Assert.Contains("--input", output);
        Assert.Contains("--run", output);
        Assert.DoesNotContain("--parallel", output);
        Assert.DoesNotContain("--sweep-point", output);
    }

    [Fact]
    public void Version_names_the_commit_and_torchsharp_and_libtorch()
    {
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "--version");
        Assert.Equal(0, exit);
        Assert.Matches(@"MalariaLab \S+ \(commit [0-9a-f]{40}|unknown", output);
        Assert.Contains("TorchSharp 0.107.0, LibTorch 2.10", output);
    }

    [Fact]
    public void Status_dag_prints_the_graph_and_a_stage_command_accepts_no_foreign_option()
    {
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "status", "--dag");
        Assert.Equal(0, exit);
        Assert.Contains("prepare ──► train", output);
        (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "index", "--parallel=2");
        Assert.Equal(2, exit);
        Assert.Contains("'--parallel=2'", output);
    }
}
