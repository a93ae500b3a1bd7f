using System.Text;

namespace MalariaLab.Sweeps;

/// <summary>Writes a Slurm job-array script and a Kubernetes Indexed Job in which array/completion index N runs
/// sweep point N through build.sh against a shared artifacts folder.</summary>
public static class SweepEmitter
{
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
