using System.Runtime.InteropServices;
using Google.Protobuf;
using RetinaSharp.Export.Onnx;

namespace RetinaSharp.Export;

/// <summary>
/// Appends nodes, initialisers, inputs and outputs to one ONNX graph, naming every intermediate
/// value uniquely so the exporter can compose ops like function calls.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sharedConstants = new(StringComparer.Ordinal);

    public GraphProto Graph { get; } = new() { Name = "retinanet" };

    private string Fresh(string hint)
    {
        _counters.TryGetValue(hint, out int n);
        _counters[hint] = n + 1;
        return n == 0 ? hint : $"{hint}_{n}";
    }

    /// <summary>A graph input; a dimension is a fixed size (long) or a symbolic name (string).</summary>
    public string Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        Graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    public void Output(string value, string name, TensorProto.Types.DataType type, params object[] dims)
    {
        if (value != name) value = Identity(value, name);
        Graph.Output.Add(ValueInfo(name, type, dims));
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                string s => new TensorShapeProto.Types.Dimension { DimParam = s },
                long v => new TensorShapeProto.Types.Dimension { DimValue = v },
                int v => new TensorShapeProto.Types.Dimension { DimValue = v },
                _ => throw new ArgumentException($"Dimension {d} is neither a size nor a name."),
            });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    /// <summary>A float initialiser (weights), stored as raw little-endian bytes.</summary>
    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Fresh(name), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Int64s(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Fresh(name), DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A 0-d float constant, shared between all uses of the same value.</summary>
    public string Scalar(float value) => Shared($"f:{BitConverter.SingleToInt32Bits(value)}", () => Floats("const_f", [value]));

    /// <summary>A 0-d int64 constant, shared between all uses of the same value.</summary>
    public string Scalar(long value) => Shared($"i:{value}", () => Int64s("const_i", [value]));

    /// <summary>A 1-d int64 constant (shapes, axes, pads), shared between uses.</summary>
    public string Vector(params long[] values) => Shared("v:" + string.Join(",", values), () => Int64s("const_v", values, values.Length));

    private string Shared(string key, Func<string> make)
    {
        if (!_sharedConstants.TryGetValue(key, out var name)) _sharedConstants[key] = name = make();
        return name;
    }

    /// <summary>Adds one node and returns its outputs' names.</summary>
    public string[] Node(string op, string[] inputs, int outputs = 1, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Fresh(op) };
        node.Input.AddRange(inputs);
        var names = new string[outputs];
        for (int i = 0; i < outputs; i++) names[i] = Fresh(op.ToLowerInvariant());
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return names;
    }

    /// <summary>A node with one output.</summary>
    public string Op(string op, params string[] inputs) => Node(op, inputs)[0];

    public string Op(string op, string[] inputs, params AttributeProto[] attributes) => Node(op, inputs, 1, attributes)[0];

    private string Identity(string value, string name)
    {
        var node = new NodeProto { OpType = "Identity", Name = Fresh("Identity") };
        node.Input.Add(value);
        node.Output.Add(name);
        Graph.Node.Add(node);
        return name;
    }

    // ---- attributes ------------------------------------------------------------------------

    public static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    // ---- common ops ------------------------------------------------------------------------

    public string Cast(string x, TensorProto.Types.DataType to) => Op("Cast", [x], Attr("to", (long)to));

    public string Unsqueeze(string x, params long[] axes) => Op("Unsqueeze", x, Vector(axes));

    public string Squeeze(string x, params long[] axes) => Op("Squeeze", x, Vector(axes));

    public string Reshape(string x, params long[] shape) => Op("Reshape", x, Vector(shape));

    public string Gather(string x, string indices, long axis = 0) => Op("Gather", [x, indices], Attr("axis", axis));

    public string Concat(long axis, params string[] xs) => Op("Concat", xs, Attr("axis", axis));

    public string Transpose(string x, params long[] perm) => Op("Transpose", [x], Attr("perm", perm));

    /// <summary>Dimension <paramref name="axis"/> of x's shape as an int64 scalar.</summary>
    public string Dim(string x, long axis) => Gather(Op("Shape", x), Scalar(axis));
}
