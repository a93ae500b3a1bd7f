using MalariaLab.Workflows.Sweeps;
using YamlDotNet.RepresentationModel;

namespace MalariaLab.Tests.Workflows.Sweeps;

/// <summary>The emitted Indexed Job against the fields the batch/v1 Job API requires (no cluster to apply it to here).</summary>
public class KubernetesJobTests : IDisposable
{
    readonly ClusterFixture fixture = new();
    public void Dispose() => fixture.Dispose();

    static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    static YamlMappingNode Map(YamlNode node, string key) => Assert.IsType<YamlMappingNode>(((YamlMappingNode)node)[key]);
    static string Text(YamlNode node, string key) => Assert.IsType<YamlScalarNode>(((YamlMappingNode)node)[key]).Value!;

    [Fact]
    public void Job_has_the_fields_batch_v1_requires()
    {
        var job = fixture.Job(fixture.FoldSpec, new ClusterSettings { Cpus = 3, Throttle = 2, Time = "1:30:00", Memory = "4G" });
        var root = Load(KubernetesJob.Yaml(job, "registry.example/malarialab:1.0"));
        Assert.Equal("batch/v1", Text(root, "apiVersion"));
        Assert.Equal("Job", Text(root, "kind"));
        Assert.Matches("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", Text(Map(root, "metadata"), "name"));
        var spec = Map(root, "spec");
        Assert.Equal("Indexed", Text(spec, "completionMode"));
        Assert.Equal("4", Text(spec, "completions"));
        Assert.Equal("2", Text(spec, "parallelism"));
        Assert.Equal("5400", Text(spec, "activeDeadlineSeconds"));
        var pod = Map(Map(spec, "template"), "spec");
        Assert.Contains(Text(pod, "restartPolicy"), new[] { "Never", "OnFailure" });
        var container = Assert.IsType<YamlMappingNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(pod["containers"])));
        Assert.Equal("train", Text(container, "name"));
        Assert.Equal("registry.example/malarialab:1.0", Text(container, "image"));
        Assert.Equal("3", Text(Map(Map(container, "resources"), "limits"), "cpu"));
        Assert.Equal("4Gi", Text(Map(Map(container, "resources"), "requests"), "memory"));

        // The PVC holding the shared artifacts, mounted at the --artifacts path (which has a space and a quote).
        var volume = Assert.IsType<YamlMappingNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(pod["volumes"])));
        Assert.Equal(KubernetesJob.ClaimName, Text(Map(volume, "persistentVolumeClaim"), "claimName"));
        var mount = Assert.IsType<YamlMappingNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(container["volumeMounts"])));
        Assert.Equal(Text(volume, "name"), Text(mount, "name"));
        Assert.Equal(fixture.Artifacts, Text(mount, "mountPath"));

        string command = Assert.IsType<YamlScalarNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(container["args"]))).Value!;
        Assert.Contains("--fold=\"$JOB_COMPLETION_INDEX\"", command);
        Assert.Contains($"'--artifacts={fixture.Artifacts.Replace("'", "'\\''")}'", command);
        Assert.Contains("--set=train.threads=3", command);
    }

    [Fact]
    public void Sweep_job_indexes_points_and_names_itself_as_a_dns_label()
    {
        var root = Load(KubernetesJob.Yaml(fixture.Job(fixture.SweepSpec, new ClusterSettings())));
        var spec = Map(root, "spec");
        Assert.Equal("6", Text(spec, "completions"));
        Assert.Equal("6", Text(spec, "parallelism"));
        Assert.False(spec.Children.ContainsKey("activeDeadlineSeconds"));
        Assert.Equal("malarialab-grid", Text(Map(root, "metadata"), "name"));
        Assert.Equal("malarialab-ci-sweep-v1-2", KubernetesJob.DnsLabel("malarialab-CI_sweep.v1.2"));
    }
}
