using System.CommandLine;
using MalariaLab.Cli;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Native;

// One command per pipeline stage; each declares its options and calls the library.
MallocTuning.Apply();
LibTorchLog.Quiet();
// A terminal gets progress bars; a pipe, a CI or Slurm log (or TERM=dumb) gets plain lines, one per epoch.
using var terminal = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb" ? new TerminalLog() : null;
ILog log = terminal as ILog ?? new ConsoleLog();
var root = new RootCommand("MalariaLab: reproducible malaria cell classification (NIH/NLM cell images).");
foreach (var command in CliCommands.All(log)) root.Subcommands.Add(command);
var options = new Command("options", "Print every option, what it means and the commands that take it (README's table).");
options.SetAction(_ => Console.Out.Write(CliCommands.OptionsMarkdown(root.Subcommands)));
root.Subcommands.Add(options);
var markdown = new Option<bool>("--markdown") { Description = "docs/cli.md's Targets table instead of build/targets.tsv" };
var targets = new Command("targets", "Print every build target (build/targets.tsv, which build.sh and build.cake read); --markdown: docs/cli.md's table.") { markdown };
targets.SetAction(parse => Console.Out.Write(parse.GetValue(markdown) ? Targets.Markdown(root.Subcommands) : Targets.Tsv(root.Subcommands)));
root.Subcommands.Add(targets);
foreach (var option in root.Options.OfType<VersionOption>()) option.Action = new VersionAction();

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Usage errors (an unknown option, a missing value) exit 2, naming what was wrong.
    foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine(parse.CommandResult.Command == root ? "see: ./build.sh --help" : $"see: ./build.sh --target={Targets.NameOf(parse.CommandResult.Command.Name)} --help");
    return ErrorHandling.Usage;
}
int code = parse.Invoke();
terminal?.Dispose(); // the bars are cleared before the process ends
return CliCommands.Terminated ? ExitCodes.Terminated : code; // the scheduler sees the signal it sent (128 + SIGTERM)
