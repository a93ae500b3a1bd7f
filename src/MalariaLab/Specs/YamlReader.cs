using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MalariaLab.Specs;

/// <summary>Reads YAML text into <see cref="SpecNode"/>s that remember their file:line:column.</summary>
public static class YamlReader
{
    public static SpecNode Read(string text, string fileName)
    {
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
            stream.Load(new StringReader(value));
        }
        catch (YamlException e)
        {
            throw new SpecException(location, "", $"value is not valid YAML: {(e.InnerException?.Message ?? e.Message).Trim()}");
        }
        return Relocate(Convert(stream.Documents[0].RootNode, ""), location);
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
