using System.Diagnostics;
using MalariaLab.Common;
using MalariaLab.Comparison;
using MalariaLab.Pipeline;
using MalariaLab.Runs;
using MalariaLab.Specs;

namespace MalariaLab.Sweeps;

/// <summary>Runs every sweep point locally: one after another in this process, or N CLI processes at once with
/// the cores divided between them; then compares the runs and prints mean ± std over seeds.</summary>
public static class SweepRunner
{
    public static IReadOnlyList<RunFolder> Run(PipelineOptions options, int parallel, ILog log, CancellationToken cancel = default)
    {
        var spec = SpecLoader.LoadFile(options.Experiment, options.Overrides());
        var points = SweepPlan.Expand(spec.Sweep);
        if (points.Count == 0) throw new MalariaLabException($"{options.Experiment}: no 'sweep:' section; nothing to sweep");
        var runs = new List<RunFolder>();
        if (parallel <= 1)
        {
            foreach (var point in points)
            {
                if (cancel.IsCancellationRequested) break;
                log.Info($"sweep: point {point.Index + 1}/{points.Count}: {point.Label}");
                runs.AddRange(CrossValidation.Run(WithPoint(options, point), null, log, cancel));
            }
        }
        else runs.AddRange(RunInProcesses(options, points, parallel, log));

        var compared = runs.Where(r => RunManifest.Read(r.Path).Status == RunStatus.Published).Select(ComparedRun.Load).ToList();
        if (compared.Count > 0)
        {
            string folder = Path.Combine(new Workspace(options.Artifacts).Root, "sweeps", spec.Name, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
            RunComparison.Write(compared, folder);
            string summary = RunComparison.SeedSummary(compared);
            AtomicFile.WriteAllText(Path.Combine(folder, "summary.md"), summary);
            log.Info($"sweep: {compared.Count} runs; mean ± std over seeds:\n{summary}sweep: comparison in {folder}");
        }
        return runs;
    }

    public static PipelineOptions WithPoint(PipelineOptions options, SweepPoint point) =>
        options with { Sets = [.. options.Sets, .. point.Overrides] };

    /// <summary>Each point as "train --sweep-point=N" in its own process, at most <paramref name="parallel"/> at once,
    /// each with cores / parallel threads.</summary>
    static List<RunFolder> RunInProcesses(PipelineOptions options, List<SweepPoint> points, int parallel, ILog log)
    {
        int threads = Math.Max(1, Environment.ProcessorCount / parallel);
        string cli = Environment.GetCommandLineArgs()[0];
        var runs = new List<RunFolder>();
        var failures = new List<string>();
        Parallel.ForEach(points, new ParallelOptions { MaxDegreeOfParallelism = parallel }, point =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { cli, "train", $"--experiment={options.Experiment}", $"--artifacts={options.Artifacts}", $"--sweep-point={point.Index}", $"--set=train.threads={threads}" }
                .Concat(options.Mirror is null ? [] : [$"--mirror={options.Mirror}"])
                .Concat(options.DatasetSource is null ? [] : [$"--dataset-source={options.DatasetSource}"])
                .Concat(options.DatasetSha256 is null ? [] : [$"--dataset-sha256={options.DatasetSha256}"])
                .Concat(options.Sets.Select(s => $"--set={s}")))
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            lock (runs)
            {
                log.Info($"sweep: point {point.Index} ({point.Label}) exited {process.ExitCode}");
                if (process.ExitCode != 0) failures.Add($"point {point.Index}: {errors.Result.Trim()}");
                else if (FolderOf(output) is { } run) runs.Add(run);
            }
        });
        if (failures.Count > 0) log.Warn("sweep: failed points:\n" + string.Join("\n", failures));
        return runs.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>The run folder a train process reported ("train: run folder X" or an already published run).</summary>
    static RunFolder? FolderOf(string output)
    {
        foreach (var line in output.Split('\n').Reverse())
        {
            const string created = "train: run folder ";
            if (line.StartsWith(created)) return RunFolder.Open(line[created.Length..].Trim());
            const string reused = "train: published run ";
            if (line.StartsWith(reused)) return RunFolder.Open(line[reused.Length..line.IndexOf(" already", StringComparison.Ordinal)]);
        }
        return null;
    }
}
