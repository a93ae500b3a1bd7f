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
            "All of the above (reusing finished stages), training into a new run folder, then Evaluate and Publish: it ends with a published run. `patient-kfold` specs run every fold (or `--fold=N`) and summarise them (with `split.test`, then publish the ensemble of the fold models, scored on the held-out patients); `--sweep-point=N` runs one point of a sweep.",
            "train --experiment=experiments/ci-smoke.yaml --mirror=../shared/data", [.. O.SpecOptions, O.Force, O.Fold, O.SweepPoint], log, parse =>
        {
            using var cancel = CtrlC(log);
            var options = O.Pipeline(parse);
            if (parse.GetValue(O.SweepPoint) is { } n) options = SweepRunner.WithPoint(options, n, log);
            var runs = CrossValidation.Run(options.LoadSpec(), options, parse.GetValue(O.Fold), log, cancel.Token);
            foreach (var run in runs) Console.Out.WriteLine(run.Path);
            return runs.All(r => RunManifest.Read(r.Path).Status == RunStatus.Published) ? ExitCodes.Ok : ExitCodes.Incomplete;
        });

        yield return Make("evaluate", "Score a run. A published (sealed) run gets a new folder evaluations/<time>-<label>/ with its own metrics, " +
                                      "figures, report and manifest (its sealed files never change); a complete one is evaluated in place.",
            "`--run=REF`. On a **published** run: a new folder `<run>/evaluations/<time>-<label>/` with its own `metrics.json`, `predictions.csv`, `classification_report.txt`, `per_patient.csv`, `plots/`, `evaluation.md/html` and `evaluation.json` (its manifest: the run's manifest SHA-256, threshold, what was scored, every file's SHA-256); `--threshold=T` re-scores at another threshold, `--subset=validation|test` another part of the run's split, `--input=FOLDER|ZIP` labelled data with class subfolders (`Parasitized/`, `Uninfected/`), like Keras' `evaluate` on a directory; `--label` names it. The sealed files are verified before and after and never change; `<run>/evaluations/index.html` lists every evaluation and the sealed report links it. On a **complete** (not yet published) run: scores it in place (`predictions.csv`, `metrics.json`, ... , `plots/*.png`).",
            "evaluate --run=ci-smoke/latest --threshold=0.3", [.. O.SpecOptions, O.Run, O.Threshold, O.ThresholdRule, O.Subset, O.LabelledInput, O.Label, O.AllowOverlap], log, parse =>
        {
            string? folder = RunEvaluation.Evaluate(RunOf(parse), O.Pipeline(parse), parse.GetValue(O.Threshold), parse.GetValue(O.ThresholdRule),
                parse.GetValue(O.Subset), O.PathOf(parse, O.LabelledInput), parse.GetValue(O.Label), log, parse.GetValue(O.AllowOverlap));
            if (folder is not null) Console.Out.WriteLine(folder);
            return ExitCodes.Ok;
        });

        yield return Make("ensemble", "Combine published runs (the fold models of a cross-validation, or several seeds) by their mean probability; score the ensemble " +
                                      "on patients no member saw (their shared held-out test patients, or --input) and publish it like a run (Predict takes it).",
            "`--runs=A,B,...` (the fold models of a cross-validation, several seeds; `NAME/*` works): published runs combined by their mean P(Parasitized) (each member with its own test-time augmentation) and published like a run under `runs/<--name>/<id>/` (default name: the first member's experiment + `-ensemble`): `predictions.csv`, `metrics.json`, `members.csv` (each member's metrics on the same images), figures, `report.md/html`, and a sealed `manifest.json` whose `ensemble.members` name every member with the SHA-256 of its manifest. Scored on the test images every member holds out (the patients `split.test` keeps out of every `patient-kfold` fold), or on `--input=FOLDER|ZIP` (labelled class folders); data with a patient any member trained or validated on is refused, naming the patient and the member. `--threshold` (default: the members' `evaluate.threshold`). `Predict --run=<ensemble>` averages the members (each verified against its seal and the recorded SHA-256); `Evaluate`, `Publish` and `Reproduce` take trained runs and say so. A `patient-kfold` spec with `split.test` publishes its ensemble itself at the end of `Train` (and `Gather`).",
            "ensemble --runs=\"patient-cv-test/*\" --name=patient-cv-ensemble", [.. O.SpecOptions, O.Runs, O.EnsembleName, O.Threshold, O.LabelledInput], log, parse =>
        {
            var options = O.Pipeline(parse);
            Console.Out.WriteLine(Ensembling.Publish(RunsOf(parse), options, parse.GetValue(O.EnsembleName), parse.GetValue(O.Threshold), O.PathOf(parse, O.LabelledInput), log).Path);
            return ExitCodes.Ok;
        });

        yield return Make("publish", "Write report.md/html and seal the run (every file hashed in the manifest).",
            "`--run=...`: writes `report.md` / `report.html`, then seals the run: every file and its SHA-256 in `manifest.json`, status `published`, files read-only, `runs/<experiment>/latest` updated. Idempotent.",
            "publish --run=ci-smoke/latest", [.. O.SpecOptions, O.Run], log, parse =>
        {
            RunEvaluation.PublishRun(RunOf(parse), log);
            return ExitCodes.Ok;
        });

        yield return Make("predict", "Classify an image, folder or zip with a published run; CSV to --output or stdout.",
            "`--run=... --input=IMAGE|FOLDER|ZIP --output=CSV`: columns `path,probability_parasitized,label` (plus `error` when an input is unreadable; exit code 4 then). Refuses a run whose files do not match its sealed manifest. `--engine=torch` (default: the TorchSharp weights) or `--engine=onnx` (the run's ONNX file through ONNX Runtime, `--onnx-provider=cpu|cuda|...`; see [ONNX](interop.md#onnx)): the same CSV; on the CPU provider, one worker per thread of the run (at most one per core), each reading, decoding and classifying 32 images at a time (the fastest way here: see [performance](performance.md)). `--engine=torch-bf16`: the TorchSharp weights in bfloat16, on CPUs with AVX-512-BF16 or AMX only (refused elsewhere, and under an `ONEDNN_MAX_CPU_ISA` below them); the first convolution and the dense head stay float32; probabilities within about 0.04 of torch's. Whether it pays depends on the network: Bench prints `inference batch 256 in bfloat16` (on AVX-512-BF16 hosts: 1.2x float32 for compact-cnn, 1.2-2.1x for seed-cnn, which pools first in both; see [performance](performance.md)).",
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
            "`--run=...`: retrains from the run's resolved spec, seed and thread count and compares dataset fingerprint, split hash, spec hash, every file under `weights/` and metrics byte for byte; prints `IDENTICAL` or what differed (with code/environment differences as likely causes, and the CPU instruction set (ISA) when the two runs' differ); exit 5 on mismatch.",
            "reproduce --run=ci-smoke/latest --mirror=../shared/data", [.. O.SpecOptions, O.Run], log, parse =>
        {
            return Reproducer.Reproduce(RunOf(parse), O.Pipeline(parse), log).Identical ? ExitCodes.Ok : ExitCodes.NotReproduced;
        });

        yield return Make("bench", "Measure prepare, training and inference images/s and peak RSS; write bench.json.",
            "Images/s of the pipeline's own code paths, each after a warm-up, median of `--repeats` (default 3): prepare (cold decode + resize, and cache reload), training steps at the spec's batch, 64 and 128, and with augmentation at the spec's batch and 64 (each after a 2-second warm-up, with the time the convolutions alone take), one step at the spec's batch cut into pieces (batch fetch, each layer kind's forward, loss, backward, optimizer), inference at batch 256 and batch-1 latency, with TorchSharp, in bfloat16 where the CPU has it (as `predict --engine=torch-bf16`), and with ONNX Runtime (the same network exported as ONNX), Predict's whole path from the data's image files with dihedral8 TTA on ONNX Runtime (reading, decoding, eight views, inference); each rate as a fraction of its convolution bound (the network's own convolutions timed alone at that batch: forward and backward for training, forward for inference), and as context fp32 and bf16 matmul GFLOP/s, the model's FLOPs per image and the CPU SIMD flags; peak RSS of the training and inference paths, threads, CPU. Shared sample by default; any data with `--dataset-source`. Writes `artifacts/bench/bench.json`. `build/peer-compare.sh [ROUNDS] [THREADS]` alternates it with the PyTorch peer (`../shared/peer`) and ends with a table of the ratios, each beside the one Bench's convolution bound would give; `build/bench-compare.sh REV [ROUNDS] [THREADS]` with another revision (built in a worktree), printing each figure's ratio.",
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
            "`--runs=A,B,...` (run folders, experiment names for their latest run, `latest`, or `NAME/*` for every published run of an experiment): spec keys that differ, metrics side by side with deltas against the first run, dataset fingerprint and split hash (equal or not), time and images/s; writes `comparison.html` (one self-contained page), `comparison.md`, `comparison.csv` and the overlays `val_loss.png`, `val_accuracy.png`, `roc.png` and `precision_recall.png` (one line per run; ROC and precision-recall from each run's `predictions.csv`) under `artifacts/comparisons/<time>/`. Runs scored on the same images (same paths and labels in `predictions.csv`) also get, against the first run, McNemar's exact test on the images only one of them gets right and paired bootstrap 95% intervals (2,000 resamples, seeded by the two run ids) for the accuracy and ROC AUC differences. `--require-same-data` fails unless every run saw the same data and split.",
            "compare --runs=\"ci-sweep/*\"", [.. O.SpecOptions, O.Runs, O.RequireSameData, O.Output], log, parse =>
        {
            var options = O.Pipeline(parse);
            var runs = RunComparison.Load(RunsOf(parse));
            string folder = O.PathOf(parse, O.Output) ?? Path.Combine(new Workspace(options.Artifacts).Root, "comparisons", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
            Console.Out.WriteLine(RunComparison.Write(runs, folder));
            log.Info($"compare: wrote {Path.Combine(folder, "comparison.html")} (and .md, .csv, the overlays)");
            if (parse.GetValue(O.RequireSameData) && !RunComparison.SameData(runs))
                throw new MalariaLabException("compare: --require-same-data: the runs did not see the same data and split (see the table above)");
            return ExitCodes.Ok;
        });

        yield return Make("cv-compare", "Specs compared on the same cross-validation folds: per label set the first summary is the baseline; mean ± std, " +
                                        "seconds and images/s per fold, folds better, paired difference and t (README's results table).",
            "`--summaries=A.json,B.json,...` (`cv-summary-*.json` files written by `Train` or `Gather`): specs compared on the same cross-validation folds. Per label set the first summary is the baseline; each spec gets mean ± std of accuracy, ROC AUC, sensitivity and specificity, seconds per fold (from first start to end, and the sum of the epochs' own times, which a stopped and resumed fold does not inflate) and images/s, on how many folds it beats the baseline, and the paired fold difference with its t statistic (beyond the fold-to-fold noise when |t| exceeds the two-sided 5% critical value, 2.776 for 5 folds). Markdown on stdout: the table in [results](results.md).",
            "cv-compare --summaries=artifacts/runs/patient-cv/cv-summary-X.json,artifacts/runs/augmented-cosine-cv/cv-summary-Y.json", [O.Summaries], log, parse =>
        {
            var files = parse.GetValue(O.Summaries)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(O.CallerPath).ToList();
            Console.Out.Write(CvComparison.Markdown([.. files.Select(CvSummary.Read)]));
            return ExitCodes.Ok;
        });

        yield return Make("runs", "List runs, one row each: status, the spec keys that differ between them, headline metrics, epochs, time, images/s.",
            "Every run (or `--name=EXPERIMENT`'s), one row each, like `dvc exp show` / the MLflow runs list: id, status, the spec keys that differ between the listed runs, headline metrics, epochs, seconds, images/s; `--format=table|md|csv|json`, `--sort=METRIC` (best first); `--format=html` writes `artifacts/runs.html`, one self-contained page (sort by any column, filter by text, each run linked to its report) and prints its path.",
            "runs --name=ci-sweep --sort=roc_auc --format=md", [O.Artifacts, O.Name, O.Format, O.Sort], log, parse =>
        {
            string artifacts = O.DefaultedPathOf(parse, O.Artifacts);
            var rows = RunsTable.Sort(RunsTable.Collect(new Workspace(artifacts).Runs, parse.GetValue(O.Name)), parse.GetValue(O.Sort));
            if (parse.GetValue(O.Format) == "html") Console.Out.WriteLine(RunsDashboard.Write(rows, artifacts));
            else Console.Out.Write(RunsTable.Format(rows, parse.GetValue(O.Format)!));
            return ExitCodes.Ok;
        });

        yield return Make("sweep", "Run every point of the spec's sweep (locally, --parallel=N processes) or --emit=slurm|k8s cluster files (sweep points, or the folds of a patient-kfold spec).",
            "Runs every point of the spec's `sweep:` (one after another, or `--parallel=N` processes with the cores divided), then writes a comparison and mean ± std over seeds; `--emit=slurm|k8s` writes cluster job files instead: one array task per sweep point, or per fold of a `patient-kfold` spec (see [Running on a cluster](cluster.md)).",
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
            "After a fan-out ran elsewhere: finds each point's or fold's published run on disk (the newest with that point's resolved spec hash) and writes the CV summary (folds) or comparison + mean ± std (sweep); fails naming the array tasks without a published run.",
            "gather --experiment=experiments/patient-cv.yaml --set=train.threads=4 --artifacts=/shared/malarialab", [.. O.SpecOptions], log, parse =>
        {
            var result = FanOutGather.Gather(O.Pipeline(parse), log);
            Console.Out.WriteLine(result.Summary);
            if (result.Ensemble is not null) Console.Out.WriteLine(result.Ensemble.Path);
            return ExitCodes.Ok;
        });

        yield return Make("status", "For the spec: each stage up to date, stale (and what changed) or missing; runs and downloads nothing.",
            "Like `dvc status`: for the spec and its overrides, each stage in graph order `up to date`, `stale (what changed: a spec key with old → new value, an upstream stage, the stage version, the code)` or `missing`. Reads only the run cache; runs and downloads nothing. `--json` for tools.",
            "status --experiment=experiments/ci-smoke.yaml --set=train.lr=0.001", [.. O.SpecOptions, O.Json, O.Dag], log, parse =>
        {
            if (parse.GetValue(O.Dag)) { Console.Out.Write(StageGraph.Describe()); return ExitCodes.Ok; }
            var options = O.Pipeline(parse);
            var statuses = PipelineStatus.Of(new Orchestrator(options.LoadSpec(), options, log));
            Console.Out.Write(parse.GetValue(O.Json) ? PipelineStatus.ToJson(statuses) : PipelineStatus.ToText(statuses));
            return ExitCodes.Ok;
        });

        yield return Make("spec", "Validate the spec (with overrides) and print it resolved, every key shown; --markdown: the key table.",
            "Validates the spec with its overrides and prints it resolved (every key) and its hash; `--markdown` prints the spec-key table of [the spec format](spec.md).",
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
        var list = commands.OfType<TargetCommand>().Cast<Command>().ToList(); // not the tools' own commands (options, targets)
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

    /// <summary>What each data stage does, for docs/cli.md's Targets table and its --help.</summary>
    static readonly Dictionary<string, string> StageDetails = new()
    {
        ["download"] = "Fetches the dataset zip into `artifacts/cache/<sha256>/` (resumes, verifies SHA-256; a cached file makes no request).",
        ["extract"] = "Safe unzip (no zip-slip, absolute paths or links; entry and size caps) into `artifacts/data/<sha>/`.",
        ["index"] = "Every image with class, label after corrections, patient, size and SHA-256 → `index.csv`; unreadable files → `skipped.csv`.",
        ["split"] = "Deterministic split by the spec's strategy and seed → `split.csv` and its hash.",
        ["prepare"] = "Decodes and resizes every image once, bit for bit as Keras/Pillow do (see [Preprocessing](interop.md#preprocessing-pillow-exact)), into a verified uint8 cache (`artifacts/prepared/`).",
    };

    static Command Stage(string stage, ILog log) =>
        Make(stage, StageGraph.Get(stage).Description.TrimEnd('.') + " (and every stage before it, reused when unchanged).", StageDetails[stage],
            $"{stage} --experiment=experiments/ci-smoke.yaml --mirror=../shared/data", [.. O.SpecOptions, O.Force], log, parse =>
        {
            var options = O.Pipeline(parse);
            new Orchestrator(options.LoadSpec(), options, log).Resolve(stage);
            return ExitCodes.Ok;
        });

    static Command Make(string name, string summary, string details, string example, Option[] options, ILog log, Func<ParseResult, int> action)
    {
        var command = new TargetCommand(name, summary, details, example);
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

    /// <summary>--runs=A,B,...: each entry as --run takes it (a folder, NAME, NAME/RUN-ID, latest, or a NAME/* pattern),
    /// resolved in the order given.</summary>
    static List<RunFolder> RunsOf(ParseResult parse)
    {
        var options = O.Pipeline(parse);
        string runsRoot = new Workspace(options.Artifacts).Runs;
        return parse.GetValue(O.Runs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(RunArgument)
            .SelectMany(r => RunReference.Resolve(r, runsRoot, r == "latest" ? options.LoadSpec().Name : "")).ToList();
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
