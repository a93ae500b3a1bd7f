using System.Globalization;
using System.Text.RegularExpressions;

namespace MalariaLab.Foundation.Specs;

/// <summary>Checks a spec tree against <see cref="SpecSchema"/> and returns every key's value (defaults
/// filled in), in schema order. The first problem found throws a <see cref="SpecException"/>.</summary>
public static partial class SpecValidator
{
    public static SortedValues Validate(SpecNode root, IReadOnlySet<string>? extraSections = null)
    {
        if (root.Map is null)
            throw new SpecException(root.Location, "", $"expected a mapping of keys, found {root.Kind}; allowed keys: {string.Join(", ", SpecSchema.ChildrenOf(""))}");
        var found = new Dictionary<string, SpecNode>();
        Walk(root, "", found, extraSections ?? new HashSet<string>());

        var values = new SortedValues();
        foreach (var key in SpecSchema.Keys)
        {
            if (!found.TryGetValue(key.Path, out var node))
            {
                if (key.Required)
                    throw new SpecException(root.Location, key.Path, $"required key is missing; expected {key.Allowed}");
                values.Set(key.Path, key.Default);
                continue;
            }
            values.Set(key.Path, Convert(key, node));
        }
        CheckTogether(values, path => found.TryGetValue(path, out var node) ? node.Location : root.Location);
        CheckUsedByChoice(values, found);
        return values;
    }

    /// <summary>A key set in the spec to other than its default that the chosen registry entry does not read
    /// (model.conv_dropout with wide-gap-cnn) is refused: it would change the cache keys and nothing else. (A resolved
    /// spec.yaml lists every key with its default, so the default itself is let through.)</summary>
    static void CheckUsedByChoice(SortedValues values, Dictionary<string, SpecNode> found)
    {
        foreach (var key in SpecSchema.Keys.Where(k => k.FromRegistry))
        {
            string section = key.Path[..(key.Path.LastIndexOf('.') + 1)];
            if (values[key.Path] is not string choice || SpecChoices.KeysUsedBy(key.Path, choice) is not { } uses) continue;
            foreach (var (path, node) in found.OrderBy(f => f.Key, StringComparer.Ordinal))
                if (path.StartsWith(section, StringComparison.Ordinal) && path != key.Path && !uses.Contains(path)
                    && !Equals(values[path], SpecSchema.Keys.First(k => k.Path == path).Default))
                    throw new SpecException(node.Location, path,
                        $"{key.Path} '{choice}' does not use this key (it reads {(uses.Count == 0 ? "no other key" : string.Join(", ", uses))}); remove it");
        }
    }

    /// <summary>Rules between keys, checked when the spec is read rather than after the data stages ran.</summary>
    static void CheckTogether(SortedValues values, Func<string, string> locationOf)
    {
        double validation = (double)values["split.validation"]!, test = (double)values["split.test"]!;
        bool heldOutTest = SpecChoices.Has("split.strategy", (string)values["split.strategy"]!, SpecChoices.HeldOutTest);
        if (validation <= 0 && !(heldOutTest && test > 0))
            throw new SpecException(locationOf("split.validation"), "split.validation",
                "must be above 0: training needs validation images (early stopping and the best checkpoint watch them)");
        if (heldOutTest && test > 0 && validation > 0)
            throw new SpecException(locationOf("split.validation"), "split.validation",
                $"must be 0 with split.test ({test}) in patient-kfold: fold split.fold is then the validation set, and the test patients are held out of every fold");
        if (validation + test >= 1)
            throw new SpecException(locationOf("split.test"), "split.test", $"validation ({validation}) + test ({test}) must be below 1 to leave a training set");
        if ((long)values["split.fold"]! >= (long)values["split.folds"]!)
            throw new SpecException(locationOf("split.fold"), "split.fold", $"{values["split.fold"]} is not a fold of {values["split.folds"]} (expected 0..{(long)values["split.folds"]! - 1})");
    }

    static void Walk(SpecNode map, string prefix, Dictionary<string, SpecNode> found, IReadOnlySet<string> extraSections)
    {
        var allowed = SpecSchema.ChildrenOf(prefix);
        var seen = new HashSet<string>();
        foreach (var (name, node) in map.Map!)
        {
            string path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (!seen.Add(name))
                throw new SpecException(node.Location, path, "duplicate key");
            if (prefix.Length == 0 && extraSections.Contains(name)) continue;
            if (!allowed.Contains(name))
                throw new SpecException(node.Location, path,
                    $"unknown key '{name}'{(prefix.Length == 0 ? "" : $" in '{prefix}'")}; allowed keys: {string.Join(", ", allowed)}{Suggest(name, allowed)}");
            if (SpecSchema.IsSection(path))
            {
                if (node.Map is null)
                    throw new SpecException(node.Location, path, $"expected a mapping with keys {string.Join(", ", SpecSchema.ChildrenOf(path))}, found {node.Kind}");
                Walk(node, path, found, extraSections);
            }
            else found[path] = node;
        }
    }

    static string Suggest(string name, IReadOnlyList<string> allowed)
    {
        var close = allowed.OrderBy(a => Distance(a, name)).First();
        return Distance(close, name) <= 2 ? $" (did you mean '{close}'?)" : "";
    }

    static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    /// <summary>Converts one scalar node to the key's type, or throws naming the key and what is allowed.</summary>
    public static object? Convert(SpecKey key, SpecNode node)
    {
        SpecException Wrong(string found) => new(node.Location, key.Path, $"expected {key.Allowed}, found {found}");
        if (node.Map is not null || node.Sequence is not null) throw Wrong(node.Kind);
        if (node.IsNull)
        {
            if (key.Nullable) return null;
            throw Wrong("null");
        }
        string text = node.Scalar!;
        switch (key.Kind)
        {
            case ValueKind.String:
                return text;
            case ValueKind.Identifier:
                if (!IdentifierPattern().IsMatch(text)) throw Wrong(text.Length > MaxIdentifier ? $"{text.Length} characters" : $"'{text.ReplaceLineEndings("\\n")}'");
                return text;
            case ValueKind.Sha256:
                if (!Foundation.Common.Hashing.IsSha256Hex(text)) throw Wrong($"'{text}'");
                return text.ToLowerInvariant();
            case ValueKind.Choice:
                if (!key.AllowedChoices.Contains(text)) throw Wrong($"'{text}'");
                return text;
            case ValueKind.Boolean:
                if (!node.Plain) throw Wrong($"the string '{text}'");
                return text switch
                {
                    "true" or "True" or "TRUE" => true,
                    "false" or "False" or "FALSE" => false,
                    _ => throw Wrong($"'{text}'"),
                };
            case ValueKind.Integer:
                if (!node.Plain || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
                    throw Wrong($"'{text}'");
                CheckRange(key, node, integer);
                return integer;
            case ValueKind.Number:
                if (!node.Plain || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
                    throw Wrong($"'{text}'");
                CheckRange(key, node, number);
                return number;
            default:
                throw new InvalidOperationException(key.Kind.ToString());
        }
    }

    static void CheckRange(SpecKey key, SpecNode node, double value)
    {
        if ((key.Min is { } lo && value < lo) || (key.Max is { } hi && value > hi))
            throw new SpecException(node.Location, key.Path, $"value {node.Scalar} is out of range; expected {key.Allowed}");
    }

    /// <summary>Names become folder names: bounded so a run path stays well below the OS limits.</summary>
    public const int MaxIdentifier = 64;

    /// <summary>The rule of experiment names (and of ensemble names, which live beside them under runs/).</summary>
    public static bool IsIdentifier(string text) => IdentifierPattern().IsMatch(text);

    // \z, not $: "$" would also match before a trailing newline.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex IdentifierPattern();
}

/// <summary>Key path → validated value, in schema order.</summary>
public sealed class SortedValues
{
    readonly Dictionary<string, object?> _values = [];
    public void Set(string path, object? value) => _values[path] = value;
    public object? this[string path] => _values[path];
    public IEnumerable<KeyValuePair<string, object?>> InSchemaOrder =>
        SpecSchema.Keys.Where(k => _values.ContainsKey(k.Path)).Select(k => new KeyValuePair<string, object?>(k.Path, _values[k.Path]));
}
