using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Pipeline;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>Writes a fan-out's cluster files into &lt;artifacts&gt;/sweeps/&lt;experiment&gt;/: for Slurm the array script,
/// submit.sh and (with gather) gather.slurm; for Kubernetes the Indexed Job. Array index N trains sweep point N, or fold N
/// of a patient-kfold spec.</summary>
public static class SweepEmitter
{
    /// <summary>Returns the files written; the first is the one to submit.</summary>
    /// <param name="cli">MalariaLab.Cli.dll as the tasks will run it.</param>
    /// <param name="workDir">Where tasks run (relative spec paths resolve there): the caller's directory.</param>
    public static IReadOnlyList<string> WriteFiles(PipelineOptions options, string kind, ClusterSettings settings, string cli, string workDir)
    {
        var job = ClusterJob.From(options, settings, cli, workDir);
        Directory.CreateDirectory(job.Folder);
        var files = kind switch
        {
            "slurm" => new List<(string, string)>
            {
                (SlurmScript.SubmitFile, SlurmScript.Submit(job)),
                (SlurmScript.ArrayFile, SlurmScript.Array(job)),
            }.Concat(settings.Gather ? [(SlurmScript.GatherFile, SlurmScript.Gather(job))] : []).ToList(),
            "k8s" => [(KubernetesJob.File, KubernetesJob.Yaml(job))],
            _ => throw new MalariaLabException($"--emit={kind}: expected slurm or k8s"),
        };
        var written = new List<string>();
        foreach (var (file, text) in files)
        {
            string path = Path.Combine(job.Folder, file);
            AtomicFile.WriteAllText(path, text);
            // Executable scripts (sbatch does not need it, but ./submit.sh does); Windows has no such mode.
            if (!OperatingSystem.IsWindows() && (file.EndsWith(".sh", StringComparison.Ordinal) || file.EndsWith(".slurm", StringComparison.Ordinal)))
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            written.Add(path);
        }
        return written;
    }
}
