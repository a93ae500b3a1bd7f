// MalariaLab build script (Cake .NET tool). Each stage task is one call of the CLI, which calls one library stage.
// Arguments reach the CLI exactly as the user typed them (an argument list, never a re-joined string); the CLI
// resolves paths against the caller's directory and declares every option once.
var target = Argument("target", "Build");
var configuration = Argument("configuration", "Release");

var root = MakeAbsolute(Directory("..")).FullPath;              // Cake resolves relative to the script
var cli = $"{root}/src/MalariaLab.Cli/bin/{configuration}/net10.0/MalariaLab.Cli.dll";

// Every target with its CLI call and summary: build/targets.tsv, generated from the CLI's commands (a new command needs
// no edit here). An empty call is a task defined in this script.
var targets = System.IO.File.ReadAllLines($"{root}/build/targets.tsv").Select(l => l.TrimEnd('\r'))
    .Where(l => l.Length > 0 && !l.StartsWith("#")).Select(l => l.Split('\t')).Where(f => f.Length >= 3)
    .ToDictionary(f => f[0], f => (Call: f[1], Summary: f[2]));

// Cake's own options; everything else is the CLI's.
var cakeOnly = new HashSet<string> { "--target", "--configuration", "--verbosity", "-v", "--exclusive", "-e", "--dryrun", "--tree", "--description" };

// build.sh / build.ps1 write the raw arguments NUL-separated to a file; without it (dotnet cake called directly)
// Cake's parsed arguments are the fallback.
IEnumerable<string> RawArguments()
{
    var file = EnvironmentVariable("MALARIALAB_ARGS_FILE");
    if (!string.IsNullOrEmpty(file) && System.IO.File.Exists(file))
    {
        var text = System.IO.File.ReadAllText(file, new System.Text.UTF8Encoding(false));
        return text.Length == 0 ? new string[0] : text.TrimEnd('\0').Split('\0');
    }
    return Context.Arguments.GetArguments().SelectMany(p => p.Value.Select(v => $"--{p.Key}={v}"));
}

List<string> StageArguments(string stage)
{
    var args = new List<string> { stage };
    var raw = RawArguments().ToList();
    for (int i = 0; i < raw.Count; i++)
    {
        var name = raw[i].Split('=')[0];
        if (cakeOnly.Contains(name))
        {
            if (!raw[i].Contains('=') && name is "--target" or "--configuration" or "--verbosity" or "-v" && i + 1 < raw.Count) i++; // "--target Train"
            continue;
        }
        args.Add(raw[i]);
    }
    return args;
}

void RunCli(params string[] stageAndExtra)
{
    var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false };
    start.ArgumentList.Add(cli);
    foreach (var arg in StageArguments(stageAndExtra[0]).Concat(stageAndExtra.Skip(1))) start.ArgumentList.Add(arg);
    using var process = System.Diagnostics.Process.Start(start);
    process.WaitForExit();
    // The CLI's documented exit codes (2 usage, 3 incomplete, 4 unreadable inputs, 5 not reproduced) pass through unchanged.
    if (process.ExitCode != 0) System.Environment.Exit(process.ExitCode);
}

Task("Clean")
    .Description(targets["Clean"].Summary)
    .Does(() =>
{
    CleanDirectories($"{root}/src/**/bin");
    CleanDirectories($"{root}/src/**/obj");
    CleanDirectories($"{root}/tests/**/bin");
    CleanDirectories($"{root}/tests/**/obj");
});

Task("Build")
    .Description(targets["Build"].Summary)
    .Does(() => DotNetBuild($"{root}/MalariaLab.slnx", new DotNetBuildSettings { Configuration = configuration }));

// Stage targets skip the build (8-16 s even when nothing changed) when the CLI is newer than every source file.
bool CliIsUpToDate()
{
    var dll = new System.IO.FileInfo(cli);
    if (!dll.Exists) return false;
    var sources = new[] { "src", "build/msbuild" }.SelectMany(d => System.IO.Directory.EnumerateFiles($"{root}/{d}", "*", System.IO.SearchOption.AllDirectories))
        .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/"))
        .Concat(new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json" }.Select(f => $"{root}/{f}"))
        .Where(System.IO.File.Exists);
    return sources.All(f => System.IO.File.GetLastWriteTimeUtc(f) <= dll.LastWriteTimeUtc);
}

Task("BuildIfChanged")
    .Description("Build unless the CLI is already newer than every source file.")
    .Does(() =>
{
    if (CliIsUpToDate()) Console.WriteLine("Build: the CLI is newer than every source file; not rebuilding.");
    else DotNetBuild($"{root}/MalariaLab.slnx", new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .Description(targets["Test"].Summary)
    .IsDependentOn("Build")
    .Does(() =>
{
    // A TRX file beside the console log: when a test fails, its name and message are printed again at the very end,
    // where a log cut to its last lines (a CI summary) still shows them.
    var results = $"{root}/tests/MalariaLab.Tests/bin/{configuration}/TestResults";
    var trx = $"{results}/tests-{System.Environment.ProcessId}.trx";
    try
    {
        DotNetTest($"{root}/MalariaLab.slnx", new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            Filter = Argument("filter", ""),   // e.g. --filter=FullyQualifiedName~Reliability
            Loggers = new[] { "console;verbosity=normal", $"trx;LogFileName={trx}" },
        });
    }
    catch
    {
        PrintFailures(trx);
        throw;
    }
});

// Each failed test of a TRX file: its name, message and the first lines of its stack trace.
void PrintFailures(string trx)
{
    if (!System.IO.File.Exists(trx)) { Error($"no test results at {trx}"); return; }
    System.Xml.Linq.XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    var failed = System.Xml.Linq.XDocument.Load(trx).Descendants(ns + "UnitTestResult")
        .Where(r => (string)r.Attribute("outcome") == "Failed").ToList();
    Error($"{failed.Count} failed test(s):");
    foreach (var result in failed)
    {
        var info = result.Element(ns + "Output")?.Element(ns + "ErrorInfo");
        Error($"FAILED {(string)result.Attribute("testName")}");
        foreach (var line in ((string)info?.Element(ns + "Message") ?? "").Split('\n').Take(20)) Error($"  {line.TrimEnd()}");
        foreach (var line in ((string)info?.Element(ns + "StackTrace") ?? "").Split('\n').Take(3)) Error($"  {line.TrimEnd()}");
    }
}

foreach (var (name, (call, summary)) in targets.Where(t => t.Value.Call.Length > 0))
{
    var words = call.Split(' ');
    Task(name).Description(summary).IsDependentOn("BuildIfChanged").Does(() => RunCli(words));
}

Task("Cluster")
    .Description(targets["Cluster"].Summary)
    .IsDependentOn("Build")
    .Does(() =>
{
    // The test is a bash script (daemons, apt-get, sbatch); this target only runs it and passes its exit code on.
    var start = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = root, UseShellExecute = false };
    start.ArgumentList.Add($"{root}/build/cluster/run-cluster-test.sh");
    using var process = System.Diagnostics.Process.Start(start);
    process.WaitForExit();
    if (process.ExitCode != 0) System.Environment.Exit(process.ExitCode);
});

void PrintTargets()
{
    // Plain console lines: Cake's log colours interpolated parts, which garbles piped output.
    Console.WriteLine("MalariaLab targets (./build.sh --target=NAME [options]; a target's options: ./build.sh --target=NAME --help):");
    foreach (var task in Tasks.Where(t => t.Name != "BuildIfChanged"))
        Console.WriteLine($"  {task.Name,-11} {task.Description}");
}

Task("Help")
    .Description(targets["Help"].Summary)
    .Does(() => PrintTargets());

if (!Tasks.Any(t => string.Equals(t.Name, target, StringComparison.OrdinalIgnoreCase)))
{
    // "did you mean": the closest target by edit distance, when it is close.
    int Distance(string a, string b)
    {
        a = a.ToLowerInvariant(); b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
    var closest = Tasks.Where(t => t.Name != "BuildIfChanged").OrderBy(t => Distance(t.Name, target)).First().Name;
    Console.Error.WriteLine($"error: unknown target '{target}'.{(Distance(closest, target) <= 2 ? $" Did you mean '{closest}'?" : "")}");
    PrintTargets();
    System.Environment.Exit(2);
}
RunTarget(target);
