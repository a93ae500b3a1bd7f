using System.CommandLine;
using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Comparison;
using MalariaLab.RunCache;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Workflows.Prediction;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Workflows.Sweeps;
using O = MalariaLab.Cli.CliOptions;

namespace MalariaLab.Cli;

/// <summary>The commands: each declares the options it uses and is a thin call of one library entry point. Logs go to
/// stderr, results to stdout. Exit codes: 0 ok, 1 error, 2 usage, 3 a run did not finish, 4 unreadable inputs
/// (predict), 5 not reproduced.</summary>
public static class CliCommands
{
    public static IEnumerable<Command> All(ILog log)
    {
        foreach (var stage in new[] { "download", "extract", "index", "split", "prepare" })
            yield return Stage(stage, log);

        yield return Make("train", "Train, evaluate and publish a run (patient-kfold: every fold, then mean ± std); prints the run folders.",
            "train --experiment=experiments/ci-smoke.yaml --mirror=../shared/data", [.. O.SpecOptions, O.Force, O.Fold, O.SweepPoint], log, parse =>
        {
            using var cancel = CtrlC(log);
            var options = O.Pipeline(parse);
            if (parse.GetValue(O.SweepPoint) is { } n)
            {
                var points = SweepPlan.Expand(options.LoadSpec().Sweep);
                if (points.Count == 0) throw new MalariaLabException($"--sweep-point={n}: the spec has no sweep: section");
                if (n < 0 || n >= points.Count) throw new MalariaLabException($"--sweep-point={n}: the sweep has points 0..{points.Count - 1}");
                options = SweepRunner.WithPoint(options, points[n]);
                log.Info($"sweep point {n}: {points[n].Label}");
            }
            var runs = CrossValidation.Run(options.LoadSpec(), options, parse.GetValue(O.Fold), log, cancel.Token);
            foreach (var run in runs) Console.Out.WriteLine(run.Path);
            return runs.All(r => RunManifest.Read(r.Path).Status == RunStatus.Published) ? ExitCodes.Ok : ExitCodes.Incomplete;
        });

        yield return Make("evaluate", "Score a run. A published (sealed) run gets a new folder evaluations/<time>-<label>/ with its own metrics, " +
                                      "figures, report and manifest (its sealed files never change); a complete one is evaluated in place.",
            "evaluate --run=ci-smoke/latest --threshold=0.3", [.. O.SpecOptions, O.Run, O.Threshold, O.ThresholdRule, O.Subset, O.LabelledInput, O.Label], log, parse =>
        {
            var run = RunOf(parse);
            var options = O.Pipeline(parse);
            NotAnEnsemble(run, "evaluate", "score it on other data with `ensemble --runs=<its members> --input=...`");
            if (parse.GetValue(O.Threshold) is not null && parse.GetValue(O.ThresholdRule) is { } rule && rule != "fixed")
                throw new MalariaLabException($"--threshold and --threshold-rule={rule} both set the threshold; give one");
            if (RunManifest.Read(run.Path).Status == RunStatus.Published)
                Console.Out.WriteLine(RunEvaluation.EvaluatePublished(run, options, parse.GetValue(O.Threshold), parse.GetValue(O.Subset),
                    O.PathOf(parse, O.LabelledInput), parse.GetValue(O.Label), log, parse.GetValue(O.ThresholdRule)));
            else if (parse.GetValue(O.Threshold) is not null || parse.GetValue(O.ThresholdRule) is not null || parse.GetValue(O.Subset) is not null || parse.GetValue(O.LabelledInput) is not null)
                throw new MalariaLabException($"{run.Path}: --threshold, --subset and --input evaluate a published run; this one is '{RunManifest.Read(run.Path).Status}' (publish it, or change evaluate.* in its spec)");
            else RunEvaluation.EvaluateRun(run, options, log);
            return ExitCodes.Ok;
        });

        yield return Make("ensemble", "Combine published runs (the fold models of a cross-validation, or several seeds) by their mean probability; score the ensemble " +
                                      "on patients no member saw (their shared held-out test patients, or --input) and publish it like a run (Predict takes it).",
            "ensemble --runs=\"patient-cv-test/*\" --name=patient-cv-ensemble", [.. O.SpecOptions, O.Runs, O.EnsembleName, O.Threshold, O.LabelledInput], log, parse =>
        {
            var options = O.Pipeline(parse);
            var references = parse.GetValue(O.Runs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(RunArgument).ToList();
            var runs = references.SelectMany(r => RunReference.Resolve(r, new Workspace(options.Artifacts).Runs, r == "latest" ? options.LoadSpec().Name : "")).ToList();
            Console.Out.WriteLine(Ensembling.Publish(runs, options, parse.GetValue(O.EnsembleName), parse.GetValue(O.Threshold), O.PathOf(parse, O.LabelledInput), log).Path);
            return ExitCodes.Ok;
        });

        yield return Make("publish", "Write report.md/html and seal the run (every file hashed in the manifest).",
            "publish --run=ci-smoke/latest", [.. O.SpecOptions, O.Run], log, parse =>
        {
            var run = RunOf(parse);
            NotAnEnsemble(run, "publish", "an ensemble is published when it is made");
            RunEvaluation.PublishRun(run, log);
            return ExitCodes.Ok;
        });

        yield return Make("predict", "Classify an image, folder or zip with a published run; CSV to --output or stdout.",
            "predict --run=seed-cnn --input=cells/ --output=predictions.csv --engine=onnx", [.. O.SpecOptions, O.Run, O.Input, O.Output, O.Engine, O.OnnxProvider], log, parse =>
        {
            string? output = O.PathOf(parse, O.Output);
            if (output is not null) OutputFile.Check(output); // before predicting anything
            var results = Predictor.Predict(RunOf(parse), O.CallerPath(parse.GetValue(O.Input)!), log, parse.GetValue(O.Engine)!, parse.GetValue(O.OnnxProvider)!);
            string csv = Predictor.ToCsv(results);
            if (output is not null) { OutputFile.WriteAllText(output, csv); log.Info($"predict: wrote {output}"); }
            else Console.Out.Write(csv);
            return results.Any(r => r.Error is not null) ? ExitCodes.UnreadableInputs : ExitCodes.Ok;
        });

        yield return Make("reproduce", "Retrain a published run from its own spec, seed and threads; check it is byte-identical.",
            "reproduce --run=ci-smoke/latest --mirror=../shared/data", [.. O.SpecOptions, O.Run], log, parse =>
        {
            var run = RunOf(parse);
            NotAnEnsemble(run, "reproduce", "reproduce each member run");
            return Reproducer.Reproduce(run, O.Pipeline(parse), log).Identical ? ExitCodes.Ok : ExitCodes.NotReproduced;
        });

        yield return Make("bench", "Measure prepare, training and inference images/s and peak RSS; write bench.json.",
            "bench --repeats=5", [.. O.SpecOptions, O.Repeats, O.Output], log, parse =>
        {
            var options = Workflows.Bench.Benchmark.WithDefaultData(O.Pipeline(parse));
            string output = O.PathOf(parse, O.Output) ?? Path.Combine(new Workspace(options.Artifacts).Root, "bench", "bench.json");
            OutputFile.Check(output); // before measuring anything
            var result = Workflows.Bench.Benchmark.Run(options.LoadSpec(), options, log, parse.GetValue(O.Repeats));
            Workflows.Bench.Benchmark.Write(result, output);
            log.Info($"bench: wrote {output}");
            return ExitCodes.Ok;
        });

        yield return Make("compare", "Compare runs side by side: spec differences, metrics with deltas, data/split fingerprints, curves.",
            "compare --runs=\"ci-sweep/*\"", [.. O.SpecOptions, O.Runs, O.RequireSameData, O.Output], log, parse =>
        {
            var options = O.Pipeline(parse);
            var references = parse.GetValue(O.Runs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(RunArgument).ToList();
            var runs = RunComparison.Resolve(references, new Workspace(options.Artifacts).Runs, references.Contains("latest") ? options.LoadSpec().Name : "");
            string folder = O.PathOf(parse, O.Output) ?? Path.Combine(new Workspace(options.Artifacts).Root, "comparisons", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
            Console.Out.WriteLine(RunComparison.Write(runs, folder));
            log.Info($"compare: wrote {folder}");
            if (parse.GetValue(O.RequireSameData) && !RunComparison.SameData(runs))
                throw new MalariaLabException("compare: --require-same-data: the runs did not see the same data and split (see the table above)");
            return ExitCodes.Ok;
        });

        yield return Make("cv-compare", "Specs compared on the same cross-validation folds: per label set the first summary is the baseline; mean ± std, " +
                                        "seconds and images/s per fold, folds better, paired difference and t (README's results table).",
            "cv-compare --summaries=artifacts/runs/patient-cv/cv-summary-X.json,artifacts/runs/augmented-cosine-cv/cv-summary-Y.json", [O.Summaries], log, parse =>
        {
            var files = parse.GetValue(O.Summaries)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(O.CallerPath).ToList();
            Console.Out.Write(CvComparison.Markdown([.. files.Select(CvSummary.Read)]));
            return ExitCodes.Ok;
        });

        yield return Make("runs", "List runs, one row each: status, the spec keys that differ between them, headline metrics, epochs, time, images/s.",
            "runs --name=ci-sweep --sort=roc_auc --format=md", [O.Artifacts, O.Name, O.Format, O.Sort], log, parse =>
        {
            string artifacts = O.DefaultedPathOf(parse, O.Artifacts);
            var rows = RunsTable.Sort(RunsTable.Collect(new Workspace(artifacts).Runs, parse.GetValue(O.Name)), parse.GetValue(O.Sort));
            if (parse.GetValue(O.Format) == "html") Console.Out.WriteLine(RunsDashboard.Write(rows, artifacts));
            else Console.Out.Write(RunsTable.Format(rows, parse.GetValue(O.Format)!));
            return ExitCodes.Ok;
        });

        yield return Make("sweep", "Run every point of the spec's sweep (locally, --parallel=N processes) or --emit=slurm|k8s cluster files (sweep points, or the folds of a patient-kfold spec).",
            "sweep --experiment=experiments/ci-sweep.yaml --emit=slurm --cpus=4 --throttle=8 --time=30 --mem=4G --gather",
            [.. O.SpecOptions, O.Force, O.Parallel, O.Emit, O.Cpus, O.Throttle, O.Time, O.Mem, O.Gather], log, parse =>
        {
            var options = O.Pipeline(parse);
            if (parse.GetValue(O.Emit) is { } emit)
            {
                var settings = new ClusterSettings
                {
                    Cpus = parse.GetValue(O.Cpus), Throttle = parse.GetValue(O.Throttle), Time = parse.GetValue(O.Time),
                    Memory = parse.GetValue(O.Mem), Gather = parse.GetValue(O.Gather),
                };
                // Tasks run this build of the CLI, in this process's directory (where the spec's relative paths resolve).
                var files = SweepEmitter.WriteFiles(options, emit, settings, typeof(CliCommands).Assembly.Location, Directory.GetCurrentDirectory());
                foreach (var file in files) Console.Out.WriteLine(file);
                log.Info($"sweep: wrote {files.Count} file(s); submit with {(emit == "slurm" ? "bash " + files[0] : "kubectl apply -f " + files[0])}");
                return ExitCodes.Ok;
            }
            using var cancel = CtrlC(log);
            foreach (var run in SweepRunner.Run(options, parse.GetValue(O.Parallel), log, cancel.Token)) Console.Out.WriteLine(run.Path);
            return ExitCodes.Ok;
        });

        yield return Make("gather", "After a fan-out ran elsewhere (cluster array): find each point's or fold's published run on disk; write the CV summary (folds) or comparison + mean ± std (sweep); prints its path.",
            "gather --experiment=experiments/patient-cv.yaml --set=train.threads=4 --artifacts=/shared/malarialab", [.. O.SpecOptions], log, parse =>
        {
            var result = FanOutGather.Gather(O.Pipeline(parse), log);
            Console.Out.WriteLine(result.Summary);
            if (result.Ensemble is not null) Console.Out.WriteLine(result.Ensemble.Path);
            return ExitCodes.Ok;
        });

        yield return Make("status", "For the spec: each stage up to date, stale (and what changed) or missing; runs and downloads nothing.",
            "status --experiment=experiments/ci-smoke.yaml --set=train.lr=0.001", [.. O.SpecOptions, O.Json, O.Dag], log, parse =>
        {
            if (parse.GetValue(O.Dag)) { Console.Out.Write(StageGraph.Describe()); return ExitCodes.Ok; }
            var options = O.Pipeline(parse);
            var statuses = PipelineStatus.Of(new Orchestrator(options.LoadSpec(), options, log));
            Console.Out.Write(parse.GetValue(O.Json) ? PipelineStatus.ToJson(statuses) : PipelineStatus.ToText(statuses));
            return ExitCodes.Ok;
        });

        yield return Make("spec", "Validate the spec (with overrides) and print it resolved, every key shown; --markdown: the key table.",
            "spec --experiment=experiments/patient-cv.yaml --set=train.lr=0.001", [.. O.SpecOptions, O.Markdown], log, parse =>
        {
            if (parse.GetValue(O.Markdown)) { Console.Out.Write(SpecTable.Markdown()); return ExitCodes.Ok; }
            var spec = O.Pipeline(parse).LoadSpec();
            Console.Out.Write(spec.ToYaml());
            log.Info($"# spec hash {spec.Hash}");
            return ExitCodes.Ok;
        });
    }

    /// <summary>README's option table: every option once, the commands that take it, and its help.</summary>
    public static string OptionsMarkdown(IEnumerable<Command> commands)
    {
        var list = commands.ToList();
        var text = new System.Text.StringBuilder("| Option | Meaning | Commands |\n| --- | --- | --- |\n");
        foreach (var option in list.SelectMany(c => c.Options).Distinct().Where(o => o.Name.StartsWith("--", StringComparison.Ordinal)))
        {
            var users = list.Where(c => c.Options.Contains(option)).Select(c => c.Name).ToList();
            var others = list.Select(c => c.Name).Except(users).ToList();
            text.Append($"| `{option.Name}` | {option.Description?.Replace("|", "\\|")} | " +
                (others.Count <= 3 && users.Count > others.Count ? "all but " + string.Join(", ", others.Select(o => $"`{o}`")) : string.Join(", ", users)) + " |\n");
        }
        return text.ToString();
    }

    static Command Stage(string stage, ILog log) =>
        Make(stage, StageGraph.Get(stage).Description + " (and every stage before it, reused when unchanged)",
            $"{stage} --experiment=experiments/ci-smoke.yaml --mirror=../shared/data", [.. O.SpecOptions, O.Force], log, parse =>
        {
            var options = O.Pipeline(parse);
            new Orchestrator(options.LoadSpec(), options, log).Resolve(stage);
            return ExitCodes.Ok;
        });

    static Command Make(string name, string summary, string example, Option[] options, ILog log, Func<ParseResult, int> action)
    {
        var command = new Command(name, $"{summary}\n\nExample:\n  MalariaLab.Cli {example}");
        foreach (var option in options) command.Options.Add(option);
        command.SetAction(parse => ErrorHandling.Run(() => action(parse), log));
        return command;
    }

    /// <summary>--run: a folder relative to the caller when one exists there; otherwise a reference (NAME, latest).</summary>
    static string RunArgument(string value) =>
        !value.Contains('*') && Directory.Exists(O.CallerPath(value)) ? O.CallerPath(value) : value;

    static RunFolder RunOf(ParseResult parse)
    {
        var options = O.Pipeline(parse);
        string reference = RunArgument(parse.GetValue(O.Run)!);
        string current = reference == "latest" ? options.LoadSpec().Name : "";
        return RunReference.ResolveOne(reference, new Workspace(options.Artifacts).Runs, current);
    }

    static void NotAnEnsemble(RunFolder run, string command, string instead)
    {
        if (RunManifest.Read(run.Path).Ensemble is not null)
            throw new MalariaLabException($"{run.Path}: is an ensemble; {command} takes a trained run ({instead})");
    }

    /// <summary>Set when SIGTERM arrived: the process then exits 143 (128 + 15) after stopping cleanly, as schedulers expect.</summary>
    public static bool Terminated { get; private set; }

    static System.Runtime.InteropServices.PosixSignalRegistration? _sigterm;

    /// <summary>First Ctrl+C: stop after the current batch (the run is marked incomplete). Second: the default (kill).
    /// SIGTERM (what Slurm, Kubernetes and docker send) is handled like the first Ctrl+C; the run resumes on the next Train.</summary>
    static CancellationTokenSource CtrlC(ILog log)
    {
        var source = new CancellationTokenSource();
        _sigterm?.Dispose();
        _sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Terminated = true;
            if (source.IsCancellationRequested) return;
            source.Cancel();
            log.Info("SIGTERM: stopping after the current batch; Train again to resume from the last finished epoch...");
        });
        Console.CancelKeyPress += (_, e) =>
        {
            if (source.IsCancellationRequested) return;
            e.Cancel = true;
            source.Cancel();
            log.Info("stopping after the current batch (Ctrl+C again to kill)...");
        };
        return source;
    }
}
