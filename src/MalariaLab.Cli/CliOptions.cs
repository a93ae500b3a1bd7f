using System.CommandLine;
using MalariaLab.Workflows.Pipeline;

namespace MalariaLab.Cli;

/// <summary>The one option table: every option is declared here once, with its help; each command adds only the
/// ones it uses. Options naming files are resolved against the caller's directory here, and nowhere else.</summary>
public static class CliOptions
{
    public static readonly Option<string> Experiment = new("--experiment") { Description = "experiment spec (YAML)", DefaultValueFactory = _ => "experiments/seed-cnn.yaml" };
    public static readonly Option<string?> DatasetSource = new("--dataset-source") { Description = "URL, zip or folder overriding dataset.source (the pinned SHA-256 then no longer applies)" };
    public static readonly Option<string?> DatasetSha256 = new("--dataset-sha256") { Description = "expected SHA-256 of --dataset-source" };
    public static readonly Option<string?> Mirror = new("--mirror") { Description = "folder searched (recursively, by file name) for pinned remote files before any download" };
    public static readonly Option<string> Artifacts = new("--artifacts") { Description = "output folder", DefaultValueFactory = _ => "artifacts" };
    public static readonly Option<string[]> Set = new("--set") { Description = "spec override key.path=value (repeatable)", AllowMultipleArgumentsPerToken = false };
    public static readonly Option<int> HttpTimeout = new("--http-timeout") { Description = "seconds to wait for a connection, a response, or each read of a download before retrying", DefaultValueFactory = _ => 60 };
    public static readonly Option<int> HttpAttempts = new("--http-attempts") { Description = "tries per download (each resumes from the partial file)", DefaultValueFactory = _ => 3 };
    public static readonly Option<bool> Force = new("--force") { Description = "rerun stages even when their inputs are unchanged" };

    public static readonly Option<string> Run = new("--run") { Description = "run folder, NAME, NAME/latest or latest (the spec's experiment)", DefaultValueFactory = _ => "latest" };
    public static readonly Option<int?> Fold = new("--fold") { Description = "patient-kfold: train only this fold" };
    public static readonly Option<int?> SweepPoint = new("--sweep-point") { Description = "train only point N of the spec's sweep (a cluster array index)" };
    public static readonly Option<string> Input = new("--input") { Description = "image file, folder or zip", Required = true };
    public static readonly Option<string?> LabelledInput = new("--input") { Description = "evaluate, ensemble: a folder or zip with class subfolders (Parasitized/, Uninfected/) to score instead of the run's split" };
    public static readonly Option<double?> Threshold = new("--threshold") { Description = "probability at or above which a cell is called Parasitized (default: the run's evaluate.threshold)" };
    public static readonly Option<string?> Subset = new("--subset") { Description = "validation, test or auto: the part of the run's own split to score" };
    public static readonly Option<string?> ThresholdRule = new("--threshold-rule") { Description = "evaluate a published run: fixed (--threshold), youden or f1 (chosen on the run's validation subset, then applied unchanged)" };
    public static readonly Option<bool> AllowOverlap = new("--allow-overlap") { Description = "evaluate --input: score data that shares patients or images with the run's training or validation data anyway (the page says so in red)" };
    public static readonly Option<string?> Label = new("--label") { Description = "name of the evaluation folder (default from threshold and subset or input)" };
    public static readonly Option<string?> Output = new("--output") { Description = "file or folder to write (default: see the command)" };
    public static readonly Option<string> Engine = new("--engine") { Description = "torch (the run's TorchSharp weights), torch-bf16 (the same in bfloat16, on CPUs with AVX-512-BF16 or AMX) or onnx (its ONNX file through ONNX Runtime)", DefaultValueFactory = _ => "torch" };
    public static readonly Option<string> OnnxProvider = new("--onnx-provider") { Description = "ONNX Runtime execution provider: cpu, cuda, tensorrt, dml or coreml (cuda needs the Microsoft.ML.OnnxRuntime.Gpu package)", DefaultValueFactory = _ => "cpu" };
    public static readonly Option<int> Repeats = new("--repeats") { Description = "repeats per measurement (the median is reported)", DefaultValueFactory = _ => 3 };
    public static readonly Option<string> Runs = new("--runs") { Description = "comma-separated run references: folders, NAME, NAME/latest, NAME/*, latest", Required = true };
    public static readonly Option<string> Summaries = new("--summaries") { Description = "comma-separated cv-summary-*.json files (written by Train or Gather); per label set the first is the baseline", Required = true };
    public static readonly Option<bool> RequireSameData = new("--require-same-data") { Description = "fail unless every run saw the same data and split" };
    public static readonly Option<int> Parallel = new("--parallel") { Description = "processes at once, cores divided between them", DefaultValueFactory = _ => 1 };
    public static readonly Option<string?> Emit = new("--emit") { Description = "slurm or k8s: write cluster job files instead of running" };
    public static readonly Option<int> Cpus = new("--cpus") { Description = "cpus per array task in emitted job files, also its LibTorch thread count (train.threads)", DefaultValueFactory = _ => 2 };
    public static readonly Option<int?> Throttle = new("--throttle") { Description = "emitted jobs: at most N array tasks at once (Slurm %N, Kubernetes parallelism)" };
    public static readonly Option<string?> Time = new("--time") { Description = "emitted jobs: wall-clock limit per task, Slurm syntax (minutes, HH:MM:SS, D-HH)" };
    public static readonly Option<string?> Mem = new("--mem") { Description = "emitted jobs: memory per task, Slurm syntax (e.g. 4G)" };
    public static readonly Option<bool> Gather = new("--gather") { Description = "emitted Slurm jobs: also a job that runs after every task succeeded (afterok) and writes the CV summary or comparison" };
    public static readonly Option<string?> Name = new("--name") { Description = "runs: only this experiment's runs (default: every experiment)" };
    public static readonly Option<string?> EnsembleName = new("--name") { Description = "ensemble: its experiment name under runs/ (default: the first member's experiment + -ensemble)" };
    public static readonly Option<string> Format = new("--format") { Description = "table, md, csv, json, or html (writes <artifacts>/runs.html, a sortable, filterable page linking each report, and prints its path)", DefaultValueFactory = _ => "table" };
    public static readonly Option<string?> Sort = new("--sort") { Description = "a headline metric to sort by, best first (e.g. accuracy, roc_auc)" };
    public static readonly Option<bool> Json = new("--json") { Description = "machine-readable output" };
    public static readonly Option<bool> Dag = new("--dag") { Description = "print the stage graph (stages, spec keys, files between them) instead" };
    public static readonly Option<bool> Markdown = new("--markdown") { Description = "print the spec-key table (README's) instead of the resolved spec" };

    /// <summary>The options that select a spec and its data; every pipeline command has them.</summary>
    public static readonly Option[] SpecOptions = [Experiment, DatasetSource, DatasetSha256, Mirror, Artifacts, Set, HttpTimeout, HttpAttempts];

    static CliOptions()
    {
        Emit.AcceptOnlyFromAmong("slurm", "k8s");
        Subset.AcceptOnlyFromAmong("auto", "validation", "test");
        Format.AcceptOnlyFromAmong("table", "md", "csv", "json", "html");
        ThresholdRule.AcceptOnlyFromAmong("fixed", "youden", "f1");
        Engine.AcceptOnlyFromAmong("torch", "torch-bf16", "onnx");
        Threshold.Validators.Add(r => { if (Value<double?>(r, out var v) && v is { } t && (t < 0 || t > 1 || double.IsNaN(t))) r.AddError("--threshold: expected a probability in [0, 1]"); });
        HttpTimeout.Validators.Add(r => { if (Value<int>(r, out var v) && v is < 1 or > 3600) r.AddError("--http-timeout: expected 1..3600 seconds"); });
        HttpAttempts.Validators.Add(r => { if (Value<int>(r, out var v) && v is < 1 or > 20) r.AddError("--http-attempts: expected 1..20"); });
    }

    /// <summary>The option's value for a range check; false when the text is not even of the option's type (the parser
    /// reports that as a usage error, exit 2; reading the value here would throw and abort the process).</summary>
    static bool Value<T>(System.CommandLine.Parsing.OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            if (result.Tokens.Count > 0)
                result.AddError($"{result.Option.Name}: '{result.Tokens[^1].Value}' is not {(typeof(T) == typeof(int) ? "a whole number" : "a number")}");
            return false;
        }
    }

    /// <summary>build.sh exports the directory the user stood in; relative paths mean that directory.</summary>
    public static string CallerPath(string path)
    {
        if (path.Contains("://") || Path.IsPathRooted(path)) return path;
        string caller = Environment.GetEnvironmentVariable("MALARIALAB_CALLER_DIR") is { Length: > 0 } dir ? dir : Directory.GetCurrentDirectory();
        return Path.GetFullPath(Path.Combine(caller, path));
    }

    /// <summary>A user-given path resolved against the caller's directory; a default stays relative to this process.</summary>
    public static string? PathOf(ParseResult parse, Option<string?> option) => parse.GetValue(option) is { } value ? CallerPath(value) : null;

    public static string DefaultedPathOf(ParseResult parse, Option<string> option)
    {
        string value = parse.GetValue(option)!;
        return parse.GetResult(option) is { Implicit: false } ? CallerPath(value) : value;
    }

    public static PipelineOptions Pipeline(ParseResult parse) => new()
    {
        Experiment = DefaultedPathOf(parse, Experiment),
        DatasetSource = PathOf(parse, DatasetSource),
        DatasetSha256 = parse.GetValue(DatasetSha256),
        Mirror = PathOf(parse, Mirror),
        Artifacts = DefaultedPathOf(parse, Artifacts),
        Sets = parse.GetValue(Set) ?? [],
        Force = parse.GetValue(Force),
        Http = new Data.Download.HttpSettings
        {
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(30, parse.GetValue(HttpTimeout))),
            ReadTimeout = TimeSpan.FromSeconds(parse.GetValue(HttpTimeout)),
            Attempts = parse.GetValue(HttpAttempts),
        },
    };
}
