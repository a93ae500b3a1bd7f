using System.Text;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>The Slurm files of a fan-out: an array script (task N trains sweep point N or fold N), an optional gather
/// script, and submit.sh, which submits the array and then the gather job with --dependency=afterok on it. Paths live
/// in shell-quoted words and on submit.sh's sbatch command line, never in #SBATCH lines (which are not shell words).</summary>
public static class SlurmScript
{
    public const string ArrayFile = "sweep.slurm";
    public const string GatherFile = "gather.slurm";
    public const string SubmitFile = "submit.sh";

    public static string Array(ClusterJob job)
    {
        var s = job.Settings;
        // %N: Slurm runs at most N tasks of the array at once.
        var text = Header(job.JobName, s, $"0-{job.FanOut.Tasks - 1}{(s.Throttle is { } n ? $"%{n}" : "")}");
        text.AppendLine($"# Array task N trains {(job.FanOut.Kind == FanOut.Sweep ? "sweep point N" : "fold N")} of {job.Name} into the shared artifacts folder.");
        Preamble(text, job);
        text.AppendLine("task=\"${SLURM_ARRAY_TASK_ID:?not an array task: submit with sbatch (see submit.sh)}\"");
        text.AppendLine($"echo \"malarialab: {job.Name} task $task of {job.FanOut.Tasks} on $(hostname) with {s.Cpus} cpus (restart ${{SLURM_RESTART_COUNT:-0}})\" >&2");
        // Preemption, scontrol requeue and the time limit (--signal) all send SIGTERM: Train stops after its batch and
        // exits 143, and the requeued task resumes from the last finished epoch (the checkpoint in the shared folder).
        text.AppendLine("# SIGTERM (preemption, scontrol requeue, or --signal before the time limit) goes to Train, which stops after its batch;");
        text.AppendLine("# the task is then requeued and Train resumes from its last finished epoch.");
        text.AppendLine($"dotnet \"$cli\" {ShellWords.Join(["train", .. job.Options])} {job.FanOut.IndexOption}=\"$task\" &");
        text.AppendLine("child=$!");
        text.AppendLine("trap 'kill -TERM \"$child\" 2>/dev/null || true' TERM");
        text.AppendLine("set +e");
        text.AppendLine("wait \"$child\"; status=$?");
        text.AppendLine("[ \"$status\" -gt 128 ] && kill -0 \"$child\" 2>/dev/null && { wait \"$child\"; status=$?; }  # the trap interrupted wait");
        text.AppendLine("if [ \"$status\" = 143 ] && [ -n \"${SLURM_JOB_ID:-}\" ]; then");
        text.AppendLine("  echo \"malarialab: stopped by SIGTERM; requeueing task $task to resume\" >&2");
        text.AppendLine("  scontrol requeue \"$SLURM_JOB_ID\" 2>/dev/null || true  # already requeued by Slurm (preemption, scontrol requeue)");
        text.AppendLine("fi");
        text.AppendLine("exit \"$status\"");
        return text.ToString();
    }

    public static string Gather(ClusterJob job)
    {
        var text = Header(job.JobName + "-gather", job.Settings with { Cpus = 1 }, null);
        text.AppendLine($"# After every array task succeeded: {(job.FanOut.Kind == FanOut.Sweep ? "the comparison and mean ± std over seeds" : "the cross-validation summary")} from the published runs.");
        Preamble(text, job);
        text.AppendLine($"exec dotnet \"$cli\" {ShellWords.Join(["gather", .. job.Options])}");
        return text.ToString();
    }

    /// <summary>submit.sh [SBATCH OPTIONS...]: prints array=ID and gather=ID; extra arguments go to every sbatch.</summary>
    public static string Submit(ClusterJob job)
    {
        var text = new StringBuilder("#!/usr/bin/env bash\n");
        text.AppendLine($"# Submits {job.Name}: the array of {job.FanOut.Tasks} tasks{(job.Settings.Gather ? ", then the gather job, which starts only when every task succeeded (and is cancelled if one fails)" : "")}.");
        text.AppendLine("# Extra arguments (e.g. --partition=cpu) go to every sbatch. Prints array=ID" + (job.Settings.Gather ? " and gather=ID." : "."));
        text.AppendLine("set -euo pipefail");
        text.AppendLine("here=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"");
        text.AppendLine($"logs={ShellWords.Quote(job.Logs)}");
        text.AppendLine("mkdir -p \"$logs\"");
        text.AppendLine($"array=\"$(sbatch --parsable --chdir={ShellWords.Quote(job.WorkDir)} --output=\"$logs/%x-%A_%a.log\" \"$@\" \"$here/{ArrayFile}\")\"");
        text.AppendLine("array=\"${array%%;*}\"  # --parsable prints ID;CLUSTER on federated clusters");
        text.AppendLine("echo \"array=$array\"");
        if (job.Settings.Gather)
        {
            text.AppendLine($"gather=\"$(sbatch --parsable --chdir={ShellWords.Quote(job.WorkDir)} --output=\"$logs/%x-%j.log\" --dependency=\"afterok:$array\" --kill-on-invalid-dep=yes \"$@\" \"$here/{GatherFile}\")\"");
            text.AppendLine("gather=\"${gather%%;*}\"");
            text.AppendLine("echo \"gather=$gather\"");
        }
        return text.ToString();
    }

    static StringBuilder Header(string name, ClusterSettings s, string? array)
    {
        var text = new StringBuilder("#!/usr/bin/env bash\n");
        text.AppendLine($"#SBATCH --job-name={name}");
        if (array is not null)
        {
            text.AppendLine($"#SBATCH --array={array}");
            // Requeue on preemption or node failure; SIGTERM to the script 120 s before the time limit, so the task
            // checkpoints and is requeued instead of being killed.
            text.AppendLine("#SBATCH --requeue");
            if (s.Time is not null) text.AppendLine("#SBATCH --signal=B:TERM@120");
        }
        text.AppendLine($"#SBATCH --cpus-per-task={s.Cpus}");
        text.AppendLine("#SBATCH --ntasks=1");
        if (s.Time is not null) text.AppendLine($"#SBATCH --time={s.Time}");
        if (s.Memory is not null) text.AppendLine($"#SBATCH --mem={s.Memory}");
        return text;
    }

    /// <summary>Fail fast, with the reason in the task's log, when this node does not see the shared folder or the
    /// build; then run where the spec's relative paths resolve, with every thread pool at the spec's count.</summary>
    static void Preamble(StringBuilder text, ClusterJob job)
    {
        text.AppendLine("set -euo pipefail");
        text.AppendLine($"artifacts={ShellWords.Quote(job.Artifacts)}");
        text.AppendLine("if [ ! -d \"$artifacts\" ]; then");
        text.AppendLine("  echo \"malarialab: shared artifacts folder '$artifacts' is missing on $(hostname); expected the folder the job was emitted into, mounted on every node\" >&2");
        text.AppendLine("  exit 66");
        text.AppendLine("fi");
        text.AppendLine($"cli={ShellWords.Quote(job.Cli)}");
        text.AppendLine("if [ ! -f \"$cli\" ]; then");
        text.AppendLine("  echo \"malarialab: $cli is missing on $(hostname); expected the built CLI (./build.sh --target=Build) on a path every node sees\" >&2");
        text.AppendLine("  exit 66");
        text.AppendLine("fi");
        text.AppendLine($"cd {ShellWords.Quote(job.WorkDir)}");
        text.AppendLine($"export OMP_NUM_THREADS={job.Settings.Cpus} MKL_NUM_THREADS={job.Settings.Cpus}");
    }
}
