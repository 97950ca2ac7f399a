using System.Runtime.InteropServices;
using Google.Protobuf;
using RnnGen.Onnx.Schema;

namespace RnnGen.Onnx;

/// <summary>
/// Builds an ONNX graph one node at a time: constant tensors become initializers, and every intermediate value gets a
/// name of its own, so the graph reads in the order the exporter wrote it (Netron shows these names).
/// </summary>
internal sealed class GraphBuilder
{
    private readonly GraphProto _graph;

    public GraphBuilder(string name) => _graph = new GraphProto { Name = name };

    public GraphProto Graph => _graph;

    /// <summary>A float32 constant of the given shape, stored as raw little-endian bytes.</summary>
    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), dims);

    /// <summary>An int64 constant (shapes, axes, positions).</summary>
    public string Int64s(string name, ReadOnlySpan<long> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values), dims);

    /// <summary>An int32 constant.</summary>
    public string Int32s(string name, ReadOnlySpan<int> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int32, MemoryMarshal.AsBytes(values), dims);

    /// <summary>Adds a node of <paramref name="opType"/> and returns its first output's name.</summary>
    public string Node(string opType, string output, string[] inputs, params AttributeProto[] attributes) =>
        Node(opType, [output], inputs, attributes)[0];

    /// <summary>Adds a node with several outputs and returns their names.</summary>
    public string[] Node(string opType, string[] outputs, string[] inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) => _graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) => _graph.Output.Add(ValueInfo(name, type, dims));

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Strings(string name, IEnumerable<string> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        foreach (string value in values)
        {
            attribute.Strings.Add(ByteString.CopyFromUtf8(value));
        }

        return attribute;
    }

    private string AddInitializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
        {
            // ONNX raw_data is little-endian; .NET runs little-endian on every platform RnnGen supports.
            throw new PlatformNotSupportedException("ONNX export needs a little-endian machine.");
        }

        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    // A dimension is a fixed size (an int) or a symbol such as "batch" (a string).
    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
