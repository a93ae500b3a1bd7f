using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>A Kubernetes Indexed Job (batch/v1): pod N (JOB_COMPLETION_INDEX) trains sweep point N or fold N. Emitted
/// only (no cluster here to run it). It expects an image with a built checkout at <see cref="WorkDir"/> and a
/// ReadWriteMany PersistentVolumeClaim named <see cref="ClaimName"/> holding the shared artifacts, mounted at the
/// --artifacts path. Gathering is a separate step once the Job completes (the gather command).</summary>
public static partial class KubernetesJob
{
    public const string File = "sweep-job.yaml";
    public const string WorkDir = "/work/malarialab";
    public const string ClaimName = "malarialab-artifacts";
    const string Cli = "src/MalariaLab.Cli/bin/Release/net10.0/MalariaLab.Cli.dll";

    public static string Yaml(ClusterJob job, string image = "malarialab:latest")
    {
        var s = job.Settings;
        // Paths inside the checkout (the spec) are given relative to it, as the image holds the checkout at WorkDir.
        string Inside(string path) => Path.GetRelativePath(job.WorkDir, path) is var rel && !rel.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(rel) ? rel : path;
        var options = job.Resolved with { Experiment = Inside(job.Resolved.Experiment) };
        string command = $"exec dotnet {ShellWords.Join([Cli, "train", .. PipelineArguments.Of(options)])} {job.FanOut.IndexOption}=\"$JOB_COMPLETION_INDEX\"";
        string cpus = s.Cpus.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine("apiVersion: batch/v1");
        text.AppendLine("kind: Job");
        text.AppendLine("metadata:");
        text.AppendLine($"  name: {DnsLabel(job.JobName)}");
        text.AppendLine("spec:");
        text.AppendLine("  completionMode: Indexed");
        text.AppendLine($"  completions: {job.FanOut.Tasks}");
        text.AppendLine($"  parallelism: {Math.Min(s.Throttle ?? job.FanOut.Tasks, job.FanOut.Tasks)}");
        text.AppendLine("  backoffLimit: 0");
        if (s.TimeSeconds() is { } seconds) text.AppendLine($"  activeDeadlineSeconds: {seconds}");
        text.AppendLine("  template:");
        text.AppendLine("    spec:");
        text.AppendLine("      restartPolicy: Never");
        text.AppendLine("      containers:");
        text.AppendLine("        - name: train");
        text.AppendLine($"          image: {Quoted(image)}");
        text.AppendLine($"          workingDir: {WorkDir}");
        text.AppendLine("          command: [\"/bin/sh\", \"-c\"]");
        text.AppendLine("          args:");
        text.AppendLine($"            - {Quoted(command)}");
        text.AppendLine("          env:");
        text.AppendLine($"            - {{ name: OMP_NUM_THREADS, value: \"{cpus}\" }}");
        text.AppendLine("          resources:");
        text.AppendLine($"            requests: {{ cpu: \"{cpus}\"{(s.KubernetesMemory() is { } m ? $", memory: \"{m}\"" : "")} }}");
        text.AppendLine($"            limits: {{ cpu: \"{cpus}\"{(s.KubernetesMemory() is { } l ? $", memory: \"{l}\"" : "")} }}");
        text.AppendLine("          volumeMounts:");
        text.AppendLine("            - name: artifacts");
        text.AppendLine($"              mountPath: {Quoted(job.Artifacts)}");
        text.AppendLine("      volumes:");
        text.AppendLine("        - name: artifacts");
        text.AppendLine("          persistentVolumeClaim:");
        text.AppendLine($"            claimName: {ClaimName}");
        return text.ToString();
    }

    /// <summary>A YAML double-quoted scalar (JSON string syntax is valid YAML): any path or command stays one value.</summary>
    static string Quoted(string value) => JsonSerializer.Serialize(value);

    /// <summary>metadata.name must be a DNS-1123 label: lowercase letters, digits and '-', at most 63, alphanumeric ends.</summary>
    public static string DnsLabel(string name)
    {
        string label = NotAllowed().Replace(name.ToLowerInvariant(), "-");
        label = label.Length > 63 ? label[..63] : label;
        return label.Trim('-');
    }

    [GeneratedRegex("[^a-z0-9-]")]
    private static partial Regex NotAllowed();
}
