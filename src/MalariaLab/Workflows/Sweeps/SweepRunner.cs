using MalariaLab.Foundation.Specs;
using System.Diagnostics;
using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Comparison;
using MalariaLab.RunCache;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Runs;

namespace MalariaLab.Workflows.Sweeps;

/// <summary>Runs every sweep point locally: one after another in this process, or N CLI processes at once with
/// the cores divided between them; then compares the runs and prints mean ± std over seeds.</summary>
public static class SweepRunner
{
    public static IReadOnlyList<RunFolder> Run(PipelineOptions options, int parallel, ILog log, CancellationToken cancel = default)
    {
        var spec = options.LoadSpec();
        var points = SweepPlan.Expand(spec.Sweep);
        if (points.Count == 0) throw new MalariaLabException($"{options.Experiment}: no 'sweep:' section; nothing to sweep");
        var runs = new List<RunFolder>();
        if (parallel <= 1)
        {
            foreach (var point in points)
            {
                if (cancel.IsCancellationRequested) break;
                log.Info($"sweep: point {point.Index + 1}/{points.Count}: {point.Label}");
                var pointOptions = WithPoint(options, point);
                runs.AddRange(CrossValidation.Run(pointOptions.LoadSpec(), pointOptions, null, log, cancel));
            }
        }
        else runs.AddRange(RunInProcesses(options, points, parallel, log));

        // A point's ensemble (patient-kfold with split.test) is not a point: the comparison is over trained runs.
        var compared = runs.Select(r => (Run: r, Manifest: RunManifest.Read(r.Path)))
            .Where(r => r.Manifest.Status == RunStatus.Published && r.Manifest.Ensemble is null).Select(r => ComparedRun.Load(r.Run)).ToList();
        if (compared.Count > 0)
        {
            string folder = Path.Combine(new Workspace(options.Artifacts).Root, "sweeps", spec.Name, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
            SweepSummary.Write(compared, folder, log);
        }
        return runs;
    }

    /// <summary>The options of sweep point <paramref name="n"/> (train --sweep-point=N, as each fanned-out process runs it).</summary>
    public static PipelineOptions WithPoint(PipelineOptions options, int n, ILog log)
    {
        var points = SweepPlan.Expand(options.LoadSpec().Sweep);
        if (points.Count == 0) throw new MalariaLabException($"--sweep-point={n}: the spec has no sweep: section");
        if (n < 0 || n >= points.Count) throw new MalariaLabException($"--sweep-point={n}: the sweep has points 0..{points.Count - 1}");
        log.Info($"sweep point {n}: {points[n].Label}");
        return WithPoint(options, points[n]);
    }

    public static PipelineOptions WithPoint(PipelineOptions options, SweepPoint point) =>
        options with { Sets = [.. options.Sets, .. point.Overrides] };

    /// <summary>Each point as "train --sweep-point=N" in its own process (the same options, passed as an argument
    /// list), at most <paramref name="parallel"/> at once, each with cores / parallel threads. A train process prints
    /// the run folders it produced on stdout, one per line.</summary>
    static List<RunFolder> RunInProcesses(PipelineOptions options, List<SweepPoint> points, int parallel, ILog log)
    {
        int threads = Math.Max(1, Environment.ProcessorCount / parallel);
        string cli = Environment.GetCommandLineArgs()[0];
        var runs = new List<RunFolder>();
        var failures = new List<string>();
        Parallel.ForEach(points, new ParallelOptions { MaxDegreeOfParallelism = parallel }, point =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in TrainArguments(options, point.Index, threads).Prepend(cli)) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            lock (runs)
            {
                log.Info($"sweep: point {point.Index} ({point.Label}) exited {process.ExitCode}");
                if (process.ExitCode != 0) failures.Add($"point {point.Index}: {errors.Result.Trim().Split('\n').LastOrDefault()}");
                else runs.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Where(line => File.Exists(Path.Combine(line, RunManifest.FileName))).Select(RunFolder.Open));
            }
        });
        if (failures.Count > 0) log.Warn("sweep: failed points:\n" + string.Join("\n", failures));
        return runs.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>The train command line for one point: every option the sweep was given, each as one argument.</summary>
    public static IEnumerable<string> TrainArguments(PipelineOptions options, int point, int threads) =>
        // The thread count goes before the user's --set, so an explicit train.threads wins.
        ["train", .. PipelineArguments.Of(options with { Sets = [$"{SpecKeys.Train.Threads.Path}={threads}", .. options.Sets] }), $"--sweep-point={point}"];
}
