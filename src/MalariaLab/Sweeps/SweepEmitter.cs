using System.Text;

namespace MalariaLab.Sweeps;

/// <summary>Writes a Slurm job-array script and a Kubernetes Indexed Job in which array/completion index N runs
/// sweep point N through build.sh against a shared artifacts folder.</summary>
public static class SweepEmitter
{
    /// <summary>Writes &lt;artifacts&gt;/sweeps/&lt;name&gt;/sweep.slurm or sweep-job.yaml for every point of the spec's sweep.</summary>
    public static string WriteFile(Specs.ExperimentSpec spec, Pipeline.PipelineOptions options, string kind, int cpus)
    {
        int points = SweepPlan.Expand(spec.Sweep).Count;
        if (points == 0) throw new Common.MalariaLabException($"{options.Experiment}: no 'sweep:' section");
        string folder = Path.Combine(new Graph.Workspace(options.Artifacts).Root, "sweeps", spec.Name);
        Directory.CreateDirectory(folder);
        var (file, text) = kind switch
        {
            "slurm" => ("sweep.slurm", Slurm(options.Experiment, points, options.Artifacts, cpus)),
            "k8s" => ("sweep-job.yaml", Kubernetes(options.Experiment, points, options.Artifacts, cpus)),
            _ => throw new Common.MalariaLabException($"--emit={kind}: expected slurm or k8s"),
        };
        string path = Path.Combine(folder, file);
        Common.AtomicFile.WriteAllText(path, text);
        return path;
    }

    public static string Slurm(string experiment, int points, string artifacts, int cpus)
    {
        var text = new StringBuilder();
        text.AppendLine("#!/usr/bin/env bash");
        text.AppendLine($"#SBATCH --job-name=malarialab-sweep");
        text.AppendLine($"#SBATCH --array=0-{points - 1}");
        text.AppendLine($"#SBATCH --cpus-per-task={cpus}");
        text.AppendLine("#SBATCH --output=malarialab-sweep-%A_%a.log");
        text.AppendLine("# One sweep point per array index, all writing runs into the same shared artifacts folder.");
        text.AppendLine("set -euo pipefail");
        text.AppendLine("cd \"${SLURM_SUBMIT_DIR}\"");
        text.AppendLine($"./build.sh --target=Train --experiment={experiment} --sweep-point=\"${{SLURM_ARRAY_TASK_ID}}\" --artifacts={artifacts} --set=train.threads={cpus}");
        return text.ToString();
    }

    public static string Kubernetes(string experiment, int points, string artifacts, int cpus, string image = "malarialab:latest")
    {
        // Indexed Job: each pod gets JOB_COMPLETION_INDEX = 0..completions-1.
        return $$"""
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: malarialab-sweep
            spec:
              completionMode: Indexed
              completions: {{points}}
              parallelism: {{points}}
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: train
                      image: {{image}}
                      workingDir: /work/malarialab
                      command: ["/bin/sh", "-c"]
                      args:
                        - ./build.sh --target=Train --experiment={{experiment}} --sweep-point=$JOB_COMPLETION_INDEX --artifacts={{artifacts}} --set=train.threads={{cpus}}
                      resources:
                        requests:
                          cpu: "{{cpus}}"
                      volumeMounts:
                        - name: artifacts
                          mountPath: {{artifacts}}
                  volumes:
                    - name: artifacts
                      persistentVolumeClaim:
                        claimName: malarialab-artifacts

            """;
    }
}
