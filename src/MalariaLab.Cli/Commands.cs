using System.Text;
using MalariaLab.Common;
using MalariaLab.Pipeline;
using MalariaLab.Specs;

namespace MalariaLab.Cli;

public sealed record OptionHelp(string Name, string Help);

public sealed record Command(string Name, string Summary, OptionHelp[] Options, Func<CliArgs, ILog, int> Run);

/// <summary>The command table: each entry is a thin call of one library stage.</summary>
public static class Commands
{
    static readonly OptionHelp[] CommonHelp =
    [
        new("experiment", "experiment spec (default experiments/seed-cnn.yaml)"),
        new("dataset-source", "URL, zip or folder overriding dataset.source (the pinned SHA-256 then no longer applies)"),
        new("dataset-sha256", "expected SHA-256 of --dataset-source"),
        new("mirror", "folder searched (recursively, by file name) for pinned remote files before any download"),
        new("artifacts", "output folder (default artifacts)"),
        new("set", "spec override key.path=value (repeatable)"),
        new("force", "rerun stages even when their inputs are unchanged"),
    ];

    public static readonly Dictionary<string, Command> All = new[]
    {
        new Command("download", "Fetch the dataset zip (and nothing else) into the content-addressed cache.", [], (a, log) =>
        {
            Data(a, log).Download();
            return 0;
        }),
        new Command("extract", "Download if needed, then safely unzip into artifacts/data/<sha>/.", [], (a, log) =>
        {
            log.Info($"extract: data in {Data(a, log).Extract().Folder}");
            return 0;
        }),
        new Command("index", "Index every image (class, patient, size, SHA-256) with the corrections policy; write index.csv.", [], (a, log) =>
        {
            Data(a, log).Index();
            return 0;
        }),
        new Command("split", "Split the index deterministically by the spec's strategy and seed; write split.csv.", [], (a, log) =>
        {
            Data(a, log).Split();
            return 0;
        }),
        new Command("prepare", "Decode and resize every indexed image into the prepared cache.", [], (a, log) =>
        {
            var data = Data(a, log);
            data.PrepareImages(data.Index());
            return 0;
        }),
        new Command("train", "Train, evaluate and publish a run (patient-kfold: every fold, then mean ± std).",
            [new("fold", "patient-kfold: train only this fold"), new("sweep-point", "train only point N of the spec's sweep (as a cluster array index)")], (a, log) =>
        {
            using var cancel = CtrlC(log);
            var options = a.Options();
            if (a.Int("sweep-point") is { } n)
            {
                var points = Sweeps.SweepPlan.Expand(LoadSpec(a).Sweep);
                if (n < 0 || n >= points.Count) throw new MalariaLabException($"--sweep-point={n}: the sweep has points 0..{points.Count - 1}");
                options = Sweeps.SweepRunner.WithPoint(options, points[n]);
                log.Info($"sweep point {n}: {points[n].Label}");
            }
            var runs = CrossValidation.Run(options, a.Int("fold"), log, cancel.Token);
            return runs.All(r => Runs.RunManifest.Read(r.Path).Status == Runs.RunStatus.Published) ? 0 : 3;
        }),
        new Command("evaluate", "Score a complete run: predictions, metrics, report text and plots.", [RunOption], (a, log) =>
        {
            Evaluation.EvaluateStage.Run(Run(a), a.Options(), log);
            return 0;
        }),
        new Command("publish", "Write report.md/html and seal the run (every file hashed in the manifest).", [RunOption], (a, log) =>
        {
            Runs.Publisher.Publish(Run(a), log);
            return 0;
        }),
        new Command("predict", "Classify an image, folder or zip with a published run; write a CSV.",
            [RunOption, new("input", "image file, folder or zip"), new("output", "CSV to write (default: print)")], (a, log) =>
        {
            var results = Prediction.Predictor.Predict(Run(a), a.Require("input", "cells/"), log);
            string csv = Prediction.Predictor.ToCsv(results);
            if (a.Get("output") is { } output) { AtomicFile.WriteAllText(output, csv); log.Info($"predict: wrote {output}"); }
            else Console.Write(csv);
            return results.Any(r => r.Error is not null) ? 4 : 0;
        }),
        new Command("reproduce", "Retrain a published run from its own spec, seed and threads; check it is byte-identical.", [RunOption], (a, log) =>
            Reproducer.Reproduce(Run(a), a.Options(), log).Identical ? 0 : 5),
        new Command("bench", "Measure prepare, training and inference images/s and peak RSS; write bench.json.",
            [new("repeats", "repeats per measurement (median reported; default 3)"), new("output", "bench.json path (default <artifacts>/bench/bench.json)")], (a, log) =>
        {
            var options = Bench.Benchmark.WithDefaultData(a.Options());
            var result = Bench.Benchmark.Run(SpecLoader.LoadFile(options.Experiment, options.Overrides()), options, log, a.Int("repeats") ?? 3);
            string output = a.Get("output") ?? Path.Combine(new Workspace(options.Artifacts).Root, "bench", "bench.json");
            Bench.Benchmark.Write(result, output);
            log.Info($"bench: wrote {output}");
            return 0;
        }),
        new Command("compare", "Compare runs side by side: spec differences, metrics with deltas, data/split fingerprints, curves.",
            [new("runs", "comma-separated run folders, experiment names (their latest run), 'latest', or NAME/* (every published run)"), new("require-same-data", "fail unless every run saw the same data and split"),
             new("output", "folder for comparison.md/.csv/.png (default <artifacts>/comparisons/<time>)")], (a, log) =>
        {
            var options = a.Options();
            string runsRoot = new Workspace(options.Artifacts).Runs;
            var references = a.Require("runs", "seed-cnn,latest").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var runs = Comparison.RunComparison.Resolve(references, runsRoot, references.Contains("latest") ? LoadSpec(a).Name : "");
            string folder = a.Get("output") ?? Path.Combine(new Workspace(options.Artifacts).Root, "comparisons", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
            Console.WriteLine(Comparison.RunComparison.Write(runs, folder));
            log.Info($"compare: wrote {folder}");
            if (a.Flag("require-same-data") && !Comparison.RunComparison.SameData(runs))
                throw new MalariaLabException("compare: --require-same-data: the runs did not see the same data and split (see the table above)");
            return 0;
        }),
        new Command("sweep", "Run every point of the spec's sweep (locally, --parallel=N processes) or --emit=slurm|k8s cluster files.",
            [new("parallel", "processes at once, cores divided between them (default 1)"), new("emit", "slurm or k8s: write job files instead of running"),
             new("cpus", "cpus per point in emitted files (default 2)")], (a, log) =>
        {
            var options = a.Options();
            if (a.Get("emit") is { } emit)
            {
                string file = Sweeps.SweepEmitter.WriteFile(LoadSpec(a), options, emit, a.Int("cpus") ?? 2);
                log.Info($"sweep: wrote {file}");
                return 0;
            }
            using var cancel = CtrlC(log);
            Sweeps.SweepRunner.Run(options, a.Int("parallel") ?? 1, log, cancel.Token);
            return 0;
        }),
        new Command("spec", "Validate the spec (with overrides) and print it resolved, every key shown.", [], (a, log) =>
        {
            var spec = LoadSpec(a);
            Console.Write(spec.ToYaml());
            log.Info($"# spec hash {spec.Hash}");
            return 0;
        }),
    }.ToDictionary(c => c.Name);

    static OptionHelp RunOption => new("run", "run folder, 'latest', or an experiment name (its latest published run)");

    static Runs.RunFolder Run(CliArgs a)
    {
        var options = a.Options();
        string reference = a.Get("run") ?? "latest";
        string experiment = reference == "latest" ? LoadSpec(a).Name : reference;
        return Runs.Publisher.Resolve(reference, new Workspace(options.Artifacts).Runs, experiment);
    }

    public static ExperimentSpec LoadSpec(CliArgs args)
    {
        var options = args.Options();
        return SpecLoader.LoadFile(options.Experiment, options.Overrides());
    }

    /// <summary>First Ctrl+C: stop after the current batch (the run is marked incomplete). Second: the default (kill).</summary>
    static CancellationTokenSource CtrlC(ILog log)
    {
        var source = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (source.IsCancellationRequested) return;
            e.Cancel = true;
            source.Cancel();
            log.Info("stopping after the current batch (Ctrl+C again to kill)...");
        };
        return source;
    }

    static DataPipeline Data(CliArgs args, ILog log) => new(LoadSpec(args), args.Options(), log);

    public static string Usage()
    {
        var text = new StringBuilder("MalariaLab: reproducible malaria cell classification.\n\nusage: MalariaLab.Cli <command> [options]   (--help after a command for its options)\n\ncommands:\n");
        foreach (var c in All.Values) text.Append($"  {c.Name,-10} {c.Summary}\n");
        return text.ToString();
    }

    public static string Help(Command command)
    {
        var text = new StringBuilder($"MalariaLab.Cli {command.Name}: {command.Summary}\n\noptions:\n");
        foreach (var o in command.Options.Concat(CommonHelp)) text.Append($"  --{o.Name,-16} {o.Help}\n");
        return text.ToString();
    }
}
