using Google.Protobuf;
using RnnGen.IO;
using RnnGen.Onnx.Schema;
using static RnnGen.Onnx.GraphBuilder;
using DataType = RnnGen.Onnx.Schema.TensorProto.Types.DataType;

namespace RnnGen.Onnx;

/// <summary>
/// Writes an RnnGen model as an ONNX model (IR version 8, opset 17) that ONNX Runtime and every other ONNX consumer run
/// with the model's own math. The graph, for <c>tokens</c> int64 [batch, SeqLen]:
/// <code>
/// Gather(embeddings, tokens) → Transpose to [T, batch, E]
///   → per level: RNN | LSTM | GRU (direction forward or bidirectional) → [T, batch, D·u] into the next level
///   → the top level's last states Y_h [D, batch, u] → [batch, D·u]
///   → MatMul + Add (Dense) → logits [batch, N] → Sigmoid (N = 1) or Softmax (N ≥ 2) → probabilities [batch, N]
/// </code>
/// Masking (<c>MaskZero</c>): Keras skips padded steps wherever they are, while ONNX's <c>sequence_lens</c> counts
/// leading valid steps. Since a skipped step carries the state over unchanged, only the order of a row's real tokens
/// matters, so the graph first moves each row's real tokens to its front, in order (a stable sort on "is padding",
/// done by TopK over key = padding·T + position), and passes their count as <c>sequence_lens</c>; pre-, post- and
/// inner padding then give Keras' states, forward and backward. A row without real tokens gets the initial state
/// (zeros) into the head, as in Keras.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX IR version written.</summary>
    public const int IrVersion = 8;

    /// <summary>The standard operator set version the graph binds to.</summary>
    public const int OpsetVersion = 17;

    /// <summary>The graph input: int64 token ids [batch, SeqLen].</summary>
    public const string TokensInput = "tokens";

    /// <summary>The graph output of the head's pre-activation values [batch, Classes].</summary>
    public const string LogitsOutput = "logits";

    /// <summary>The graph output of probabilities [batch, Classes]: σ(logit) for Classes = 1, the softmax otherwise.</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>Writes <paramref name="model"/>'s graph and current weights to <paramref name="path"/>, replacing it atomically.</summary>
    public static void ExportOnnx(this IRnnModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelProto proto = Build(model);
        AtomicFile.Write(path, stream => proto.WriteTo(stream));
    }

    /// <summary>The ONNX model of <paramref name="model"/> as bytes (what <see cref="ExportOnnx"/> writes).</summary>
    public static byte[] ToOnnxBytes(this IRnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Build(model).ToByteArray();
    }

    internal static ModelProto Build(IRnnModel model)
    {
        ModelDescription description = model.Description;
        ReadOnlySpan<float> parameters = model.Parameters;
        var layout = new ModelLayers(description);
        var graph = new GraphBuilder(description.Name);
        int seqLen = description.SeqLen;
        graph.Input(TokensInput, DataType.Int64, "batch", seqLen);

        string ids = TokensInput;
        string? sequenceLengths = null;
        string? hasTokens = null;
        if (description.MaskZero)
        {
            (ids, sequenceLengths, hasTokens) = CompactRealTokens(graph, seqLen);
        }

        TensorInfo embeddings = layout.Embeddings;
        string table = graph.Floats(embeddings.Name, parameters.Slice(embeddings.Offset, embeddings.Length), embeddings.Rows, embeddings.Columns);
        string embedded = graph.Node("Gather", "embedded", [table, ids], Int("axis", 0));
        string sequence = graph.Node("Transpose", "embedded_time_major", [embedded], Ints("perm", 1, 0, 2));

        string lastStates = string.Empty;
        string? mergedShape = null; // made once, for the first level that feeds another
        for (int level = 0; level < layout.Levels.Count; level++)
        {
            TensorInfo[][] copies = layout.Levels[level];
            var weights = RecurrentWeights.From(description, parameters, copies);
            string prefix = ModelLayers.LayerName(copies[0][0]); // "lstm_1", or a Bidirectional level's "bidirectional_1"
            (string outputs, string states) = Recurrent(graph, description, weights, prefix, sequence, sequenceLengths);
            if (level + 1 < layout.Levels.Count)
            {
                // Y [T, D, batch, u] → [T, batch, D, u] → [T, batch, D·u]: Keras' concat merge, forward first.
                string timeMajor = graph.Node("Transpose", $"{prefix}/Y_batch", [outputs], Ints("perm", 0, 2, 1, 3));
                mergedShape ??= graph.Int64s("merged_shape", [0, 0, -1], 3);
                sequence = graph.Node("Reshape", $"{prefix}/merged", [timeMajor, mergedShape]);
            }
            else
            {
                lastStates = states;
            }
        }

        // Y_h [D, batch, u] → [batch, D, u] → [batch, D·u]: [f_(T−1) | b_0], the head's input in Keras.
        string statesByRow = graph.Node("Transpose", "last_states_batch", [lastStates], Ints("perm", 1, 0, 2));
        string headInput = graph.Node("Reshape", "head_input", [statesByRow, graph.Int64s("head_input_shape", [0, -1], 2)]);
        if (hasTokens is not null)
        {
            headInput = graph.Node("Where", "head_input_masked", [hasTokens, headInput, graph.Floats("zero", [0f])]);
        }

        TensorInfo kernel = layout.DenseKernel;
        TensorInfo bias = layout.DenseBias;
        string product = graph.Node("MatMul", "dense/product", [headInput, graph.Floats(kernel.Name, parameters.Slice(kernel.Offset, kernel.Length), kernel.Rows, kernel.Columns)]);
        graph.Node("Add", LogitsOutput, [product, graph.Floats(bias.Name, parameters.Slice(bias.Offset, bias.Length), bias.Rows)]);
        if (description.Classes == 1)
        {
            graph.Node("Sigmoid", ProbabilitiesOutput, [LogitsOutput]);
        }
        else
        {
            graph.Node("Softmax", ProbabilitiesOutput, [LogitsOutput], Int("axis", -1));
        }

        graph.Output(ProbabilitiesOutput, DataType.Float, "batch", description.Classes);
        graph.Output(LogitsOutput, DataType.Float, "batch", description.Classes);

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "RnnGen",
            ProducerVersion = typeof(IRnnModel).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            Graph = graph.Graph,
            DocString = $"{description.Name}: {description.SpecText}",
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "rnngen.model", Value = description.Name });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "rnngen.spec", Value = description.SpecText });
        return proto;
    }

    // Moves each row's real (non-zero) tokens to the front in their order; returns the compacted ids, the number of real
    // tokens as sequence_lens (at least 1: a row of padding runs one step, and its result is replaced by zeros through
    // has_tokens [batch, 1]).
    private static (string Ids, string SequenceLengths, string HasTokens) CompactRealTokens(GraphBuilder graph, int seqLen)
    {
        long[] positions = new long[seqLen];
        for (int t = 0; t < seqLen; t++)
        {
            positions[t] = t;
        }

        string isPadding = graph.Node("Equal", "mask/is_padding", [TokensInput, graph.Int64s("mask/padding_id", [0L])]);
        string padding = graph.Node("Cast", "mask/padding", [isPadding], Int("to", (long)DataType.Int64));
        string shifted = graph.Node("Mul", "mask/padding_shift", [padding, graph.Int64s("mask/sequence_length", [(long)seqLen])]);
        string key = graph.Node("Add", "mask/order_key", [shifted, graph.Int64s("mask/positions", positions, seqLen)]);
        string[] sorted = graph.Node("TopK", ["mask/sorted_keys", "mask/order"], [key, graph.Int64s("mask/k", [(long)seqLen], 1)],
            Int("axis", 1), Int("largest", 0), Int("sorted", 1));
        string ids = graph.Node("GatherElements", "mask/compacted_tokens", [TokensInput, sorted[1]], Int("axis", 1));

        string isReal = graph.Node("Not", "mask/is_real", [isPadding]);
        string real = graph.Node("Cast", "mask/real", [isReal], Int("to", (long)DataType.Int32));
        string count = graph.Node("ReduceSum", "mask/real_count", [real, graph.Int64s("mask/time_axis", [1L], 1)], Int("keepdims", 0));
        string lengths = graph.Node("Max", "mask/sequence_lens", [count, graph.Int32s("mask/one", [1])]);
        string any = graph.Node("Greater", "mask/has_tokens_flat", [count, graph.Int32s("mask/none", [0])]);
        string hasTokens = graph.Node("Unsqueeze", "mask/has_tokens", [any, graph.Int64s("mask/column_axis", [1L], 1)]);
        return (ids, lengths, hasTokens);
    }

    // One level as an ONNX RNN/LSTM/GRU node; returns its Y [T, D, batch, u] and Y_h [D, batch, u].
    private static (string Outputs, string States) Recurrent(
        GraphBuilder graph, ModelDescription description, RecurrentWeights weights, string prefix, string input, string? sequenceLengths)
    {
        int directions = weights.Directions;
        int width = weights.Gates * weights.Units;
        string w = graph.Floats($"{prefix}/W", weights.W, directions, width, weights.InputWidth);
        string r = graph.Floats($"{prefix}/R", weights.R, directions, width, weights.Units);
        string b = graph.Floats($"{prefix}/B", weights.B, directions, 2 * width);
        string gate = description.RecurrentActivation == RecurrentActivation.HardSigmoid ? "HardSigmoid" : "Sigmoid";
        (string opType, string[] activations) = description.Cell switch
        {
            // LSTM (f, g, h) and GRU (f, g); HardSigmoid's default α 0.2, β 0.5 are Keras 2's clip(0.2x + 0.5, 0, 1).
            RnnCell.Lstm => ("LSTM", new[] { gate, "Tanh", "Tanh" }),
            RnnCell.Gru => ("GRU", new[] { gate, "Tanh" }),
            _ => ("RNN", new[] { description.Activation == RnnActivation.Relu ? "Relu" : "Tanh" }),
        };
        var attributes = new List<AttributeProto>
        {
            Int("hidden_size", weights.Units),
            String("direction", directions == 2 ? "bidirectional" : "forward"),
            Strings("activations", Enumerable.Repeat(activations, directions).SelectMany(a => a)),
        };
        if (description.Cell == RnnCell.Gru)
        {
            attributes.Add(Int("linear_before_reset", description.ResetAfter ? 1 : 0));
        }

        string[] outputs = graph.Node(opType, [$"{prefix}/Y", $"{prefix}/Y_h"], [input, w, r, b, sequenceLengths ?? string.Empty], [.. attributes]);
        return (outputs[0], outputs[1]);
    }
}
