// MalariaLab build script (Cake .NET tool). Each stage task is one call of the CLI, which calls one
// library stage; this file only parses arguments and wires tasks together.
var target = Argument("target", "Build");
var configuration = Argument("configuration", "Release");

var root = MakeAbsolute(Directory("..")).FullPath;              // Cake resolves relative to the script
var callerDir = EnvironmentVariable("MALARIALAB_CALLER_DIR") ?? root;
var cli = $"{root}/src/MalariaLab.Cli/bin/{configuration}/net10.0/MalariaLab.Cli.dll";

// Options that name files are resolved against the caller's directory, so build.sh works from anywhere.
var pathOptions = new HashSet<string> { "experiment", "dataset-source", "mirror", "artifacts", "run", "input", "output", "resume" };
var cakeOnly = new HashSet<string> { "target", "configuration", "verbosity", "v" };

string StageArguments(string stage)
{
    var args = new List<string> { stage };
    foreach (var pair in Context.Arguments.GetArguments())
    {
        if (cakeOnly.Contains(pair.Key)) continue;
        foreach (var value in pair.Value)
        {
            var v = value;
            if (pathOptions.Contains(pair.Key) && !v.Contains("://") && !System.IO.Path.IsPathRooted(v) && !(pair.Key == "run" && v == "latest"))
                v = System.IO.Path.GetFullPath(System.IO.Path.Combine(callerDir, v));
            args.Add(string.IsNullOrEmpty(v) || v == "true" && pair.Key is "force" or "require-same-data" ? $"--{pair.Key}" : $"--{pair.Key}={v}");
        }
    }
    return string.Join(" ", args.Select(a => a.Contains(' ') || a.Contains('"') ? "\"" + a.Replace("\"", "\\\"") + "\"" : a));
}

void RunStage(string stage)
{
    var exit = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = $"\"{cli}\" {StageArguments(stage)}",
        WorkingDirectory = root,
    });
    if (exit != 0) throw new CakeException(exit, $"stage '{stage}' failed with exit code {exit}");
}

Task("Clean")
    .Description("Delete build outputs (bin/, obj/); artifacts/ is kept (use --artifacts to choose another).")
    .Does(() =>
{
    CleanDirectories($"{root}/src/**/bin");
    CleanDirectories($"{root}/src/**/obj");
    CleanDirectories($"{root}/tests/**/bin");
    CleanDirectories($"{root}/tests/**/obj");
});

Task("Build")
    .Description("Restore and build the solution.")
    .Does(() => DotNetBuild($"{root}/MalariaLab.slnx", new DotNetBuildSettings { Configuration = configuration }));

Task("Test")
    .Description("Run every test (real-data tests read ../shared/data).")
    .IsDependentOn("Build")
    .Does(() => DotNetTest($"{root}/MalariaLab.slnx", new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Loggers = new[] { "console;verbosity=normal" },
    }));

foreach (var (name, stage, description) in new[]
{
    ("Download", "download", "Fetch the dataset zip into the content-addressed cache."),
    ("Extract", "extract", "Safely unzip the dataset."),
    ("Index", "index", "Index images with patients and corrections; write index.csv."),
    ("Split", "split", "Split deterministically; write split.csv."),
    ("Prepare", "prepare", "Decode and resize every image into the prepared cache."),
    ("Train", "train", "Every data stage (reused when unchanged), training into a new run folder, Evaluate and Publish."),
    ("Evaluate", "evaluate", "Score a run (--run=FOLDER|latest): predictions, metrics, plots."),
    ("Publish", "publish", "Write the report and seal a run (--run=FOLDER|latest)."),
    ("Reproduce", "reproduce", "Retrain --run=FOLDER|latest from its spec, seed and threads; fail unless byte-identical."),
    ("Compare", "compare", "Compare --runs=A,B,... side by side (spec diff, metric deltas, fingerprints, curves)."),
    ("Sweep", "sweep", "Run every point of the spec's sweep (--parallel=N), or --emit=slurm|k8s job files."),
    ("Bench", "bench", "Images/s for prepare, training (batch 8/64/128) and inference, peak RSS; writes bench.json."),
    ("Predict", "predict", "Classify --input=IMAGE|FOLDER|ZIP with --run=FOLDER|latest; --output=CSV."),
})
{
    Task(name).Description(description).IsDependentOn("Build").Does(() => RunStage(stage));
}

RunTarget(target);
