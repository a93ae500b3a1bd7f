using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MalariaLab.Foundation.Specs;

/// <summary>Reads YAML text into <see cref="SpecNode"/>s that remember their file:line:column.</summary>
public static class YamlReader
{
    /// <summary>Deeper nesting than any spec needs is refused before loading (a hostile file cannot exhaust the stack).</summary>
    public const int MaxDepth = 32;
    /// <summary>More nodes than any spec needs (about 60 keys) is refused before loading.</summary>
    public const int MaxNodes = 10_000;

    public static SpecNode Read(string text, string fileName)
    {
        CheckTabs(text, fileName);
        Scan(text, fileName);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            string problem = (e.InnerException?.Message ?? e.Message).Trim();
            throw new SpecException($"{fileName}:{e.Start.Line}:{e.Start.Column}", "", $"not valid YAML: {problem}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet reports some malformed input (extra tokens, odd tags) this way; found by the property tests.
            throw new SpecException($"{fileName}:1:1", "", $"not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0)
            throw new SpecException($"{fileName}:1:1", "", "the file is empty; expected a mapping with at least 'name' and 'seed'");
        if (stream.Documents.Count > 1)
            throw new SpecException($"{fileName}:{stream.Documents[1].RootNode.Start.Line}:1", "", "more than one YAML document; expected one");
        return Convert(stream.Documents[0].RootNode, fileName);
    }

    /// <summary>Parses a --set value as a YAML scalar or flow list ("0.001", "[1, 2]", "'text'").</summary>
    public static SpecNode ReadValue(string value, string location)
    {
        if (value.Length == 0) return new SpecNode { Location = location, Scalar = "", Plain = true };
        var stream = new YamlStream();
        try
        {
            Scan(value, location);
            stream.Load(new StringReader(value));
        }
        catch (YamlException e)
        {
            throw new SpecException(location, "", $"value is not valid YAML: {(e.InnerException?.Message ?? e.Message).Trim()}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new SpecException(location, "", $"value is not valid YAML: {e.Message}");
        }
        catch (SpecException e) when (e.Location != location)
        {
            throw new SpecException(location, "", e.Message[(e.Location.Length + 2)..]);
        }
        if (stream.Documents.Count != 1)
            throw new SpecException(location, "", stream.Documents.Count == 0
                ? "value is empty once read as YAML (a '#' starts a comment, '...' ends a document); quote it, e.g. --set 'description=\"# first try\"'"
                : "value holds more than one YAML document; quote it");
        return Relocate(Convert(stream.Documents[0].RootNode, ""), location);
    }

    /// <summary>YAML indents with spaces only; a tab there is named at its own line and column.</summary>
    static void CheckTabs(string text, string fileName)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int column = 0;
            while (column < lines[i].Length && lines[i][column] is ' ' or '\t')
            {
                if (lines[i][column] == '\t')
                    throw new SpecException($"{fileName}:{i + 1}:{column + 1}", "", "a tab in the indentation; YAML indents with spaces only");
                column++;
            }
        }
    }

    /// <summary>Walks the parser's events before anything is built: aliases (and anchors) are refused, since a spec
    /// needs none and they are how a small file expands without bound ("billion laughs", self-reference), and depth
    /// and node count are capped.</summary>
    static void Scan(string text, string fileName)
    {
        var parser = new Parser(new StringReader(text));
        int depth = 0, nodes = 0;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                string at = $"{fileName}:{current.Start.Line}:{current.Start.Column}";
                switch (current)
                {
                    case YamlDotNet.Core.Events.AnchorAlias:
                        throw new SpecException(at, "", "YAML aliases (*name) are not allowed in a spec; write the value out");
                    case YamlDotNet.Core.Events.NodeEvent node when !node.Anchor.IsEmpty:
                        throw new SpecException(at, "", $"YAML anchors (&{node.Anchor.Value}) are not allowed in a spec; write the values out");
                }
                if (current is YamlDotNet.Core.Events.NodeEvent && ++nodes > MaxNodes)
                    throw new SpecException(at, "", $"more than {MaxNodes} YAML nodes; a spec has about 60 keys");
                if (current is YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart && ++depth > MaxDepth)
                    throw new SpecException(at, "", $"nested more than {MaxDepth} levels deep; a spec has at most 4");
                if (current is YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd) depth--;
            }
        }
        catch (YamlException e)
        {
            throw new SpecException($"{fileName}:{e.Start.Line}:{e.Start.Column}", "", $"not valid YAML: {(e.InnerException?.Message ?? e.Message).Trim()}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new SpecException($"{fileName}:1:1", "", $"not valid YAML: {e.Message}");
        }
    }

    static SpecNode Relocate(SpecNode node, string location) => new()
    {
        Location = location,
        Scalar = node.Scalar,
        Plain = node.Plain,
        Map = node.Map?.Select(p => new KeyValuePair<string, SpecNode>(p.Key, Relocate(p.Value, location))).ToList(),
        Sequence = node.Sequence?.Select(n => Relocate(n, location)).ToList(),
    };

    static SpecNode Convert(YamlNode node, string fileName)
    {
        string location = $"{fileName}:{node.Start.Line}:{node.Start.Column}";
        switch (node)
        {
            case YamlMappingNode map:
                var entries = new List<KeyValuePair<string, SpecNode>>();
                foreach (var (key, value) in map.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                        throw new SpecException($"{fileName}:{key.Start.Line}:{key.Start.Column}", "", "keys must be plain names");
                    entries.Add(new(name, Convert(value, fileName)));
                }
                return new SpecNode { Location = location, Map = entries };
            case YamlSequenceNode sequence:
                return new SpecNode { Location = location, Sequence = sequence.Children.Select(c => Convert(c, fileName)).ToList() };
            case YamlScalarNode scalar:
                return new SpecNode { Location = location, Scalar = scalar.Value, Plain = scalar.Style == ScalarStyle.Plain };
            default:
                throw new SpecException(location, "", $"unsupported YAML node {node.NodeType}");
        }
    }
}
