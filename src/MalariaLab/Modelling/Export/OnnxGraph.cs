using Google.Protobuf;
using Onnx;

namespace MalariaLab.Modelling.Export;

/// <summary>Builds an ONNX graph (OnnxSharp's protobuf types) one node at a time. Value names are generated from
/// each node's name, so callers only pass names along; a network's export function adds its layers here.</summary>
public sealed class OnnxGraph
{
    readonly GraphProto _graph = new() { Name = "malarialab" };
    readonly HashSet<string> _names = [];

    public GraphProto Proto => _graph;

    string Unique(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"ONNX graph: the name '{name}' is used twice");
        return name;
    }

    public string Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        _graph.Input.Add(Value(Unique(name), type, dims));
        return name;
    }

    /// <summary>Declares a graph output; <paramref name="dims"/> are longs (fixed) or strings (symbolic, e.g. "N").</summary>
    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) => _graph.Output.Add(Value(name, type, dims));

    /// <summary>A float32 constant (weights are stored as raw little-endian bytes).</summary>
    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (count != values.Length) throw new ArgumentException($"ONNX initializer {name}: {values.Length} values for shape [{string.Join(", ", dims)}]");
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    public string Int64Initializer(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node named <paramref name="name"/> whose single output is also called <paramref name="name"/>;
    /// attributes are (name, long | float | long[]) pairs.</summary>
    public string Node(string opType, string name, string[] inputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(name) };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        foreach (var (key, value) in attributes) node.Attribute.Add(Attribute(key, value));
        _graph.Node.Add(node);
        return name;
    }

    static AttributeProto Attribute(string name, object value)
    {
        var attribute = new AttributeProto { Name = name };
        switch (value)
        {
            case long l: attribute.Type = AttributeProto.Types.AttributeType.Int; attribute.I = l; break;
            case int i: attribute.Type = AttributeProto.Types.AttributeType.Int; attribute.I = i; break;
            case float f: attribute.Type = AttributeProto.Types.AttributeType.Float; attribute.F = f; break;
            case long[] ls: attribute.Type = AttributeProto.Types.AttributeType.Ints; attribute.Ints.AddRange(ls); break;
            default: throw new ArgumentException($"ONNX attribute {name}: unsupported value type {value.GetType().Name}");
        }
        return attribute;
    }

    static ValueInfoProto Value(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int i => new TensorShapeProto.Types.Dimension { DimValue = i },
                long l => new TensorShapeProto.Types.Dimension { DimValue = l },
                _ => throw new ArgumentException($"ONNX value {name}: a dimension must be a number or a name"),
            });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
