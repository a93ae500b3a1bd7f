using MalariaLab.Specs;
using MalariaLab.Sweeps;
using YamlDotNet.RepresentationModel;

namespace MalariaLab.Tests.Sweeps;

public class SweepTests
{
    static List<SweepPoint> Points() => SweepPlan.Expand(SpecLoader.Parse("name: a\nseed: 1\nsweep:\n  train.lr: [0.001, 0.0001]\n  seed: [1, 2, 3]\n", "s.yaml").Sweep);

    [Fact]
    public void Expansion_order_is_stable_last_axis_fastest()
    {
        Assert.Equal(
        [
            "train.lr=0.001, seed=1", "train.lr=0.001, seed=2", "train.lr=0.001, seed=3",
            "train.lr=0.0001, seed=1", "train.lr=0.0001, seed=2", "train.lr=0.0001, seed=3",
        ], Points().Select(p => p.Label));
        Assert.Equal(Enumerable.Range(0, 6), Points().Select(p => p.Index));
    }

    [Fact]
    public void Emitted_kubernetes_job_parses_and_maps_index_to_point()
    {
        string yaml = SweepEmitter.Kubernetes("experiments/x.yaml", 6, "/shared/artifacts", 2);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var spec = (YamlMappingNode)root["spec"];
        Assert.Equal("Indexed", spec["completionMode"].ToString());
        Assert.Equal("6", spec["completions"].ToString());
        var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)spec["template"])["spec"])["containers"])[0];
        string command = ((YamlSequenceNode)container["args"])[0].ToString();
        Assert.Contains("--sweep-point=$JOB_COMPLETION_INDEX", command);
        Assert.Contains("--artifacts=/shared/artifacts", command);
    }

    [Fact]
    public void Emitted_slurm_script_is_an_array_over_every_point()
    {
        string script = SweepEmitter.Slurm("experiments/x.yaml", 6, "/shared/artifacts", 4);
        Assert.StartsWith("#!/usr/bin/env bash\n", script);
        Assert.Contains("#SBATCH --array=0-5\n", script);
        Assert.Contains("--sweep-point=\"${SLURM_ARRAY_TASK_ID}\"", script);
        // bash -n: the script is syntactically valid.
        string path = Path.GetTempFileName();
        File.WriteAllText(path, script);
        using var bash = System.Diagnostics.Process.Start("bash", ["-n", path])!;
        bash.WaitForExit();
        Assert.Equal(0, bash.ExitCode);
    }
}
