using System.Diagnostics;
using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Sweeps;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Sweeps;

public class SlurmScriptTests : IDisposable
{
    readonly ClusterFixture fixture = new();
    public void Dispose() => fixture.Dispose();

    [Fact]
    public void Array_has_one_task_per_sweep_point_and_one_per_fold()
    {
        string sweep = SlurmScript.Array(fixture.Job(fixture.SweepSpec, new ClusterSettings()));
        Assert.Contains("#SBATCH --array=0-5\n", sweep);
        Assert.Contains("--sweep-point=\"$task\"", sweep);
        string folds = SlurmScript.Array(fixture.Job(fixture.FoldSpec, new ClusterSettings()));
        Assert.Contains("#SBATCH --array=0-3\n", folds);
        Assert.Contains("--fold=\"$task\"", folds);
        Assert.DoesNotContain("--sweep-point", folds);
    }

    [Fact]
    public void Throttle_time_memory_and_job_name_come_from_options_and_the_experiment()
    {
        string script = SlurmScript.Array(fixture.Job(fixture.FoldSpec, new ClusterSettings { Throttle = 2, Time = "1-02:30:00", Memory = "4G" }));
        Assert.Contains("#SBATCH --array=0-3%2\n", script);
        Assert.Contains("#SBATCH --time=1-02:30:00\n", script);
        Assert.Contains("#SBATCH --mem=4G\n", script);
        Assert.Contains("#SBATCH --job-name=malarialab-folds\n", script);
        string plain = SlurmScript.Array(fixture.Job(fixture.FoldSpec, new ClusterSettings()));
        Assert.DoesNotContain("--time", plain);
        Assert.DoesNotContain("--mem", plain);
        Assert.DoesNotContain("%", plain.Split('\n').Single(l => l.StartsWith("#SBATCH --array", StringComparison.Ordinal)));
        // Requeued on preemption; warned (SIGTERM) 120 s before a time limit so the task checkpoints and is requeued.
        Assert.Contains("#SBATCH --requeue\n", script);
        Assert.Contains("#SBATCH --signal=B:TERM@120\n", script);
        Assert.DoesNotContain("#SBATCH --signal", plain);
    }

    [UnixFact]
    public void A_task_stopped_by_sigterm_requeues_itself_and_keeps_exit_143()
    {
        var job = fixture.Job(fixture.FoldSpec, new ClusterSettings { Time = "10" });
        Directory.CreateDirectory(fixture.Artifacts);
        Directory.CreateDirectory(Path.GetDirectoryName(fixture.Cli)!);
        File.WriteAllText(fixture.Cli, "");
        string bin = fixture.Temp.File("fake-sigterm");
        Directory.CreateDirectory(bin);
        string calls = fixture.Temp.File("scontrol-calls");
        // Train as Slurm's warning signal leaves it: stopped after its batch, exit 143.
        WriteExecutable(Path.Combine(bin, "dotnet"), "#!/usr/bin/env bash\nexit 143\n");
        WriteExecutable(Path.Combine(bin, "scontrol"), $"#!/usr/bin/env bash\nprintf '%s ' \"$@\" >> '{calls}'\n");
        string path = fixture.Temp.File("sigterm.slurm");
        File.WriteAllText(path, SlurmScript.Array(job));
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(path);
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["SLURM_ARRAY_TASK_ID"] = "1";
        start.Environment["SLURM_JOB_ID"] = "77";
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(143, process.ExitCode);
        Assert.Equal("requeue 77 ", File.ReadAllText(calls));
        Assert.Contains("requeueing task 1 to resume", errors);
    }

    [Theory]
    [InlineData("abc", null)]
    [InlineData(null, "4 GB")]
    [InlineData("10:", null)]
    public void Malformed_time_or_memory_is_refused_naming_the_option(string? time, string? memory)
    {
        var error = Assert.Throws<MalariaLabException>(() => fixture.Job(fixture.FoldSpec, new ClusterSettings { Time = time, Memory = memory }));
        Assert.StartsWith(time is not null ? "--time=" : "--mem=", error.Message);
    }

    [Fact]
    public void Cpus_set_cpus_per_task_and_the_thread_count_together_and_the_thread_count_wins()
    {
        var job = ClusterJob.From(fixture.Options(fixture.SweepSpec, "train.threads=7"), new ClusterSettings { Cpus = 3 }, fixture.Cli, fixture.Temp.Path);
        string script = SlurmScript.Array(job);
        Assert.Contains("#SBATCH --cpus-per-task=3\n", script);
        Assert.Contains("export OMP_NUM_THREADS=3 MKL_NUM_THREADS=3\n", script);
        Assert.Equal("--set=train.threads=3", job.Options[^1]); // after the user's train.threads=7, so it wins
        Assert.All(job.FanOut.Runs, run => Assert.Equal(3, run.Spec.Train.Threads));
    }

    [Fact]
    public void Task_passes_every_option_as_one_word_even_with_spaces_and_quotes()
    {
        var job = fixture.Job(fixture.FoldSpec, new ClusterSettings { Cpus = 2 });
        var (exit, output, _) = RunScript(SlurmScript.Array(job), task: "2", createShared: true);
        Assert.Equal(0, exit);
        Assert.Equal(
        [
            fixture.Cli, "train", $"--experiment={fixture.FoldSpec}", $"--artifacts={fixture.Artifacts}", "--mirror=/data/mirror dir",
            "--set=train.threads=2", "--fold=2",
        ], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Task_fails_fast_naming_the_missing_shared_artifacts_folder()
    {
        var (exit, output, errors) = RunScript(SlurmScript.Array(fixture.Job(fixture.FoldSpec, new ClusterSettings())), task: "0", createShared: false);
        Assert.Equal(66, exit);
        Assert.Contains($"shared artifacts folder '{fixture.Artifacts}' is missing", errors);
        Assert.Equal("", output); // the CLI was never started
    }

    [Fact]
    public void Submit_starts_the_gather_job_after_the_array_succeeded()
    {
        var job = fixture.Job(fixture.SweepSpec, new ClusterSettings { Gather = true });
        string gather = SlurmScript.Gather(job);
        Assert.Contains("#SBATCH --job-name=malarialab-grid-gather\n", gather);
        Assert.Contains($"exec dotnet \"$cli\" gather --experiment={fixture.SweepSpec}", gather);
        Assert.DoesNotContain("--array", gather);

        // A fake sbatch records its arguments and answers job ids 41 then 42.
        string bin = fixture.Temp.File("bin");
        Directory.CreateDirectory(bin);
        string calls = fixture.Temp.File("sbatch-calls");
        WriteExecutable(Path.Combine(bin, "sbatch"),
            $"#!/usr/bin/env bash\nprintf '%s|' \"$@\" >> '{calls}'; echo >> '{calls}'\nn=$(wc -l < '{calls}'); echo \"$((40 + n));cluster\"\n");
        string folder = fixture.Temp.File("emitted");
        Directory.CreateDirectory(folder);
        string submit = Path.Combine(folder, SlurmScript.SubmitFile);
        File.WriteAllText(submit, SlurmScript.Submit(job));
        var (exit, output, errors) = Run("bash", [submit, "--partition=cpu"], bin, null);
        Assert.True(exit == 0, errors);
        Assert.Equal("array=41\ngather=42\n", output);
        var lines = File.ReadAllLines(calls);
        Assert.EndsWith($"--partition=cpu|{folder}/{SlurmScript.ArrayFile}|", lines[0]);
        Assert.Contains("|--dependency=afterok:41|--kill-on-invalid-dep=yes|--partition=cpu|", lines[1]);
        Assert.EndsWith($"{folder}/{SlurmScript.GatherFile}|", lines[1]);
        Assert.Contains($"--output={job.Logs}/%x-%A_%a.log|", lines[0]);
        Assert.True(Directory.Exists(job.Logs));
    }

    [Fact]
    public void Gather_file_is_written_only_when_asked()
    {
        string Names(bool gather) => string.Join(",", SweepEmitter.WriteFiles(fixture.Options(fixture.FoldSpec), "slurm",
            new ClusterSettings { Gather = gather }, fixture.Cli, fixture.Temp.Path).Select(Path.GetFileName));
        Assert.Equal("submit.sh,sweep.slurm", Names(false));
        Assert.Equal("submit.sh,sweep.slurm,gather.slurm", Names(true));
        Assert.DoesNotContain("gather", SlurmScript.Submit(fixture.Job(fixture.FoldSpec, new ClusterSettings())));
    }

    [Fact]
    public void Emitted_scripts_are_valid_bash()
    {
        var job = fixture.Job(fixture.SweepSpec, new ClusterSettings { Gather = true, Throttle = 3, Time = "30", Memory = "512M" });
        foreach (string script in new[] { SlurmScript.Array(job), SlurmScript.Gather(job), SlurmScript.Submit(job) })
        {
            string path = fixture.Temp.File(Guid.NewGuid().ToString("N"));
            File.WriteAllText(path, script);
            Assert.Equal(0, Run("bash", ["-n", path], null, null).Exit);
        }
    }

    /// <summary>Runs an array script with a fake dotnet that prints its arguments one per line.</summary>
    (int Exit, string Output, string Errors) RunScript(string script, string task, bool createShared)
    {
        if (createShared) Directory.CreateDirectory(fixture.Artifacts);
        Directory.CreateDirectory(Path.GetDirectoryName(fixture.Cli)!);
        File.WriteAllText(fixture.Cli, "");
        string bin = fixture.Temp.File("fake-dotnet");
        Directory.CreateDirectory(bin);
        WriteExecutable(Path.Combine(bin, "dotnet"), "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
        string path = fixture.Temp.File("task.slurm");
        File.WriteAllText(path, script);
        return Run("bash", [path], bin, task);
    }

    static (int Exit, string Output, string Errors) Run(string file, string[] args, string? pathFirst, string? task)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (pathFirst is not null) start.Environment["PATH"] = pathFirst + ":" + Environment.GetEnvironmentVariable("PATH");
        if (task is not null) start.Environment["SLURM_ARRAY_TASK_ID"] = task;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, errors.Result);
    }

    static void WriteExecutable(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
