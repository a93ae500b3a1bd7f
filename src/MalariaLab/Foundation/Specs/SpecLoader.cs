namespace MalariaLab.Foundation.Specs;

/// <summary>Loads an experiment spec: YAML file → overrides (--set) → validation → typed spec.</summary>
public static class SpecLoader
{
    public static ExperimentSpec LoadFile(string path, IEnumerable<string>? overrides = null)
    {
        if (!File.Exists(path))
            throw new SpecException(path, "", "experiment spec not found");
        if (Common.FileKinds.Of(path) == Common.FileKind.Regular && new FileInfo(path).Length is var length && length > MaxBytes)
            throw new SpecException(path, "", $"{length:N0} bytes; a spec is a few kilobytes (limit {MaxBytes:N0})");
        byte[] bytes;
        try { bytes = Common.FileKinds.ReadRegular(path, MaxBytes, "an experiment spec"); }
        catch (Common.MalariaLabException e) { throw new SpecException(path, "", e.Message[(path.Length + 2)..]); }
        return Parse(DecodeUtf8(bytes, path), path, overrides);
    }

    /// <summary>Specs larger than this are refused before reading (a real one is about 1 KB).</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Strict UTF-8 (a BOM is allowed): invalid bytes are named by offset instead of silently becoming U+FFFD.</summary>
    public static string DecodeUtf8(byte[] bytes, string path)
    {
        int start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, start, bytes.Length - start);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            int offset = start + Math.Max(0, e.Index);
            int line = 1 + bytes.AsSpan(0, Math.Min(offset, bytes.Length)).Count((byte)'\n');
            throw new SpecException($"{path}:{line}", "", $"not UTF-8: invalid byte 0x{bytes[Math.Min(offset, bytes.Length - 1)]:X2} at byte offset {offset}; save the file as UTF-8");
        }
    }

    public static ExperimentSpec Parse(string yaml, string fileName, IEnumerable<string>? overrides = null)
    {
        var root = YamlReader.Read(yaml, fileName);
        foreach (var assignment in overrides ?? []) root = ApplyOverride(root, assignment);
        var sweep = ReadSweep(root);
        var values = SpecValidator.Validate(root, new HashSet<string> { "sweep" });
        return ExperimentSpec.FromValues(values, sweep);
    }

    /// <summary>As the path overload, naming the keys by their typed objects.</summary>
    public static ExperimentSpec Override(ExperimentSpec spec, params (SpecKey Key, string? Value)[] values) =>
        Override(spec, values.Select(v => (v.Key.Path, v.Value)).ToArray());

    /// <summary>Sets validated values on a loaded spec (options such as --dataset-source), each checked as the key's
    /// type; the location in errors is the option.</summary>

    public static ExperimentSpec Override(ExperimentSpec spec, params (string Path, string? Value)[] values)
    {
        var updated = new SortedValues();
        foreach (var (path, value) in spec.Values.InSchemaOrder) updated.Set(path, value);
        foreach (var (path, value) in values)
        {
            var key = SpecSchema.Find(path) ?? throw new ArgumentException($"unknown spec key {path}", nameof(values));
            // Values from code are text of the key's own kind: numbers and booleans must read as plain scalars (a quoted
            // "0" is a string and fails an integer key), while strings stay quoted so "null" or "true" keep their letters.
            bool plain = key.Kind is ValueKind.Integer or ValueKind.Number or ValueKind.Boolean;
            var node = new SpecNode { Location = $"--{path.Replace('.', '-').Replace('_', '-')}", Scalar = value, Plain = plain };
            updated.Set(path, value is null ? null : SpecValidator.Convert(key, node));
        }
        return ExperimentSpec.FromValues(updated, spec.Sweep);
    }

    /// <summary>Applies "key.path=value" to the tree; the new node remembers the argument as its location.</summary>
    public static SpecNode ApplyOverride(SpecNode root, string assignment)
    {
        string location = $"--set {assignment}";
        int eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw new SpecException(location, "", "expected key.path=value, e.g. --set train.lr=0.001");
        string path = assignment[..eq].Trim();
        var value = YamlReader.ReadValue(assignment[(eq + 1)..], location);
        if (root.Map is null) return root;
        return SetPath(root, path.Split('.'), 0, value, location);
    }

    static SpecNode SetPath(SpecNode map, string[] parts, int index, SpecNode value, string location)
    {
        var entries = new List<KeyValuePair<string, SpecNode>>(map.Map!);
        int at = entries.FindIndex(e => e.Key == parts[index]);
        SpecNode replacement;
        if (index == parts.Length - 1) replacement = value;
        else
        {
            var child = at >= 0 && entries[at].Value.Map is not null
                ? entries[at].Value
                : new SpecNode { Location = location, Map = [] };
            replacement = SetPath(child, parts, index + 1, value, location);
        }
        if (at >= 0) entries[at] = new(parts[index], replacement);
        else entries.Add(new(parts[index], replacement));
        return new SpecNode { Location = map.Location, Map = entries };
    }

    /// <summary>The optional top-level "sweep:" mapping: key path → list of values, validated like the key itself.</summary>
    static List<SweepAxis> ReadSweep(SpecNode root)
    {
        var axes = new List<SweepAxis>();
        if (root.Map is null) return axes; // not a mapping: validation names that next
        var node = root.Map.FirstOrDefault(e => e.Key == "sweep").Value;
        if (node is null) return axes;
        if (node.Map is null)
            throw new SpecException(node.Location, "sweep", $"expected a mapping of key paths to lists (e.g. seed: [1, 2, 3]), found {node.Kind}");
        foreach (var (path, list) in node.Map)
        {
            var key = SpecSchema.Find(path)
                ?? throw new SpecException(list.Location, $"sweep.{path}", $"unknown key path '{path}'; a sweep varies spec keys such as seed, train.lr, train.batch_size");
            if (key.Path == "name")
                throw new SpecException(list.Location, "sweep.name", "the experiment name cannot be swept");
            if (list.Sequence is not { Count: > 0 })
                throw new SpecException(list.Location, $"sweep.{path}", $"expected a non-empty list of values ({key.Allowed}), found {list.Kind}");
            axes.Add(new SweepAxis(path, list.Sequence.Select(item => SpecValidator.Convert(key, item)).ToList()));
        }
        return axes;
    }
}
