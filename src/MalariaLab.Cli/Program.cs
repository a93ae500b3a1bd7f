using MalariaLab.Cli;
using MalariaLab.Common;
using MalariaLab.Native;

// One command per pipeline stage; each parses its options and calls the library.
MallocTuning.Apply();
var log = new ConsoleLog();
if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.WriteLine(Commands.Usage());
    return 0;
}
if (!Commands.All.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine($"error: unknown command '{args[0]}'; commands: {string.Join(", ", Commands.All.Keys)}");
    return 2;
}
try
{
    var parsed = new CliArgs(args.Skip(1), command.Options.Select(o => o.Name));
    if (parsed.Flag("help"))
    {
        Console.WriteLine(Commands.Help(command));
        return 0;
    }
    return command.Run(parsed, log);
}
catch (MalariaLabException e)
{
    Console.Out.Flush();
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    // Disk full, permissions, a file vanishing: the OS message names the path; writes are atomic, so nothing is half-written.
    Console.Out.Flush();
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
