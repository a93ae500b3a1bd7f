using MalariaLab.Common;
using MalariaLab.Pipeline;

namespace MalariaLab.Cli;

/// <summary>Parses "--key=value", "--key value" and "--flag"; --set may repeat. Unknown options are errors.</summary>
public sealed class CliArgs
{
    public static readonly string[] Common = ["experiment", "dataset-source", "dataset-sha256", "mirror", "artifacts", "set", "force", "help"];
    static readonly HashSet<string> Flags = ["force", "help", "require-same-data"];

    readonly Dictionary<string, List<string>> _values = [];

    public CliArgs(IEnumerable<string> args, IEnumerable<string> allowed)
    {
        var known = Common.Concat(allowed).ToHashSet();
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string arg = list[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new MalariaLabException($"unexpected argument '{arg}'; options look like --name=value (see --help)");
            string name = arg[2..], value = "true";
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (!Flags.Contains(name) && i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
            else if (!Flags.Contains(name)) throw new MalariaLabException($"--{name} needs a value (--{name}=VALUE)");
            if (!known.Contains(name))
                throw new MalariaLabException($"unknown option --{name}; allowed: {string.Join(", ", known.Order().Select(k => "--" + k))}");
            if (!_values.TryGetValue(name, out var values)) _values[name] = values = [];
            values.Add(value);
        }
    }

    public bool Has(string name) => _values.ContainsKey(name);
    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v[^1] : null;
    public string Require(string name, string example) => Get(name) ?? throw new MalariaLabException($"--{name} is required, e.g. --{name}={example}");
    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var v) ? v : [];
    public bool Flag(string name) => Get(name) is "true" or "1" or "yes";
    public int? Int(string name) => Get(name) is { } s
        ? int.TryParse(s, out int n) ? n : throw new MalariaLabException($"--{name}={s}: expected an integer")
        : null;

    public PipelineOptions Options() => new()
    {
        Experiment = Get("experiment") ?? "experiments/seed-cnn.yaml",
        DatasetSource = Get("dataset-source"),
        DatasetSha256 = Get("dataset-sha256"),
        Mirror = Get("mirror"),
        Artifacts = Get("artifacts") ?? "artifacts",
        Sets = All("set"),
        Force = Flag("force"),
    };
}
