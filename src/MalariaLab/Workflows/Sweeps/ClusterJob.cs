using MalariaLab.Foundation.Specs;
using MalariaLab.RunCache;
using MalariaLab.Workflows.Pipeline;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>Everything an emitted cluster job needs, resolved once: the fan-out, the options every task passes to the
/// CLI (absolute paths, train.threads = cpus last so it wins), the shared artifacts folder and where files go.</summary>
public sealed record ClusterJob(string Name, FanOut FanOut, ClusterSettings Settings, PipelineOptions Resolved, string WorkDir, string Cli)
{
    /// <param name="cli">MalariaLab.Cli.dll as the tasks will run it (a path every node sees).</param>
    /// <param name="workDir">The directory tasks run in: where relative paths of the spec (dataset.source) resolve.</param>
    public static ClusterJob From(PipelineOptions options, ClusterSettings settings, string cli, string workDir)
    {
        settings.Validate();
        string Absolute(string path) => Path.GetFullPath(Path.Combine(workDir, path));
        var resolved = options with
        {
            Experiment = Absolute(options.Experiment),
            Artifacts = Absolute(options.Artifacts),
            Sets = [.. options.Sets, $"{SpecKeys.Train.Threads.Path}={settings.Cpus}"],
        };
        var fanOut = FanOut.Of(resolved);
        return new ClusterJob(fanOut.Runs[0].Spec.Name, fanOut, settings, resolved, workDir, Absolute(cli));
    }

    /// <summary>The CLI options every task and the gather step pass, one word each.</summary>
    public IReadOnlyList<string> Options => PipelineArguments.Of(Resolved).ToList();
    public string Artifacts => new Workspace(Resolved.Artifacts).Root;

    /// <summary>&lt;artifacts&gt;/sweeps/&lt;experiment&gt;/: the emitted files, and logs/ for the tasks' output.</summary>
    public string Folder => Path.Combine(Artifacts, "sweeps", Name);
    public string Logs => Path.Combine(Folder, "logs");
    public string JobName => "malarialab-" + Name;
}
