using RnnGen.Generator.Helpers;

namespace RnnGen.Generator.Model;

/// <summary>The recurrent cell, mirroring <c>RnnGen.RnnCell</c> (the generator cannot reference the runtime).</summary>
internal enum CellKind
{
    SimpleRnn = 0,
    Lstm = 1,
    Gru = 2,
}

/// <summary>The LSTM/GRU gate activation, mirroring <c>RnnGen.RecurrentActivation</c>.</summary>
internal enum RecurrentActivationKind
{
    Sigmoid = 0,
    HardSigmoid = 1,
}

/// <summary>The SimpleRNN activation, mirroring <c>RnnGen.RnnActivation</c>.</summary>
internal enum ActivationKind
{
    Tanh = 0,
    Relu = 1,
}

/// <summary>
/// Everything the emitters need to generate one model, parsed from an <c>[RnnModel]</c> class.
/// </summary>
/// <remarks>
/// This type is a value in the incremental pipeline, so it must be immutable and compare by value: it holds only
/// primitives, strings, enums and <see cref="EquatableArray{T}"/>s of such records. It must never hold an
/// <c>ISymbol</c>, <c>Compilation</c>, <c>SyntaxNode</c>, <c>SemanticModel</c> or <c>Location</c>: those would keep
/// old compilations alive and make every edit look like a change. Locations live only in diagnostics.
/// </remarks>
/// <param name="Namespace">The containing namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">The types the model class is nested in, outermost first.</param>
/// <param name="TypeName">The model class's name.</param>
internal sealed record ModelSpec(
    string Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string TypeName,
    int Vocab,
    int Embed,
    int Units,
    int SeqLen,
    CellKind Cell,
    ActivationKind Activation,
    bool Unroll,
    EquatableArray<LayerSpec> Layers)
{
    /// <summary>LSTM and GRU: the gate activation.</summary>
    public RecurrentActivationKind RecurrentActivation { get; init; }

    /// <summary>GRU: the reset gate applies after the recurrent product (bias (2, 3u)).</summary>
    public bool ResetAfter { get; init; }

    /// <summary>LSTM: the forget gate's bias starts at 1.</summary>
    public bool UnitForgetBias { get; init; }

    /// <summary>The input dropout rate of every recurrent layer, in [0, 1).</summary>
    public double Dropout { get; init; }

    /// <summary>The recurrent dropout rate of every recurrent layer, in [0, 1).</summary>
    public double RecurrentDropout { get; init; }

    /// <summary>The head: 1 for Dense(1) with sigmoid, N ≥ 2 for Dense(N) with softmax.</summary>
    public int Classes { get; init; } = 1;

    /// <summary>Keras' mask_zero: id 0 is padding, and padded steps carry the state over.</summary>
    public bool MaskZero { get; init; }

    /// <summary>Keras' <c>Bidirectional(layer, merge_mode="concat")</c> around every recurrent layer: a forward and a backward copy, outputs [f | b].</summary>
    public bool Bidirectional { get; init; }

    /// <summary>The directions of every level of the stack: 2 with <see cref="Bidirectional"/>, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>The width of a level's output, into the next level and the Dense head: 2u with <see cref="Bidirectional"/> (concat), else u.</summary>
    public int OutputWidth => Directions * Units;

    /// <summary>Whether the head is a softmax over <see cref="Classes"/> classes (else one sigmoid output).</summary>
    public bool Softmax => Classes > 1;

    /// <summary>Whether training applies dropout anywhere (evaluation and prediction never do).</summary>
    public bool HasDropout => Dropout > 0 || RecurrentDropout > 0;

    /// <summary>What the generator knows about the cell kind (names, gates, options).</summary>
    public CellTraits CellTraits => CellTraits.Of(Cell);

    /// <summary>The number of stacked recurrent levels L (a Bidirectional level holds two of <see cref="Layers"/>).</summary>
    public int LayerCount => Layers.Count / Directions;

    /// <summary>The compilation's assembly name, which names its shared kernels class; null in hand-built specs.</summary>
    public string? AssemblyName { get; init; }

    /// <summary>The class name as generated code writes it (<c>@event</c> for a class named "event").</summary>
    public string TypeIdentifier => CSharpIdentifier.Escape(TypeName);

    /// <summary>The hint-name prefix: the type's full name without verbatim '@' marks, unique within a compilation.</summary>
    public string HintPrefix
    {
        get
        {
            var parts = new List<string>();
            if (Namespace.Length > 0)
            {
                parts.Add(CSharpIdentifier.WithoutVerbatimMarks(Namespace));
            }

            parts.AddRange(ContainingTypes.Select(static t => t.Name));
            parts.Add(TypeName);
            return string.Join(".", parts);
        }
    }
}

/// <summary>A type that contains the model class, re-declared <c>partial</c> around the generated code.</summary>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The type's name.</param>
internal sealed record ContainingTypeSpec(string Keyword, string Name)
{
    /// <summary>The name as generated code writes it.</summary>
    public string Identifier => CSharpIdentifier.Escape(Name);
}

/// <summary>One recurrent layer of the stack, or one copy (forward or backward) of a Bidirectional level.</summary>
/// <param name="Index">The position in Keras' weights order, from 0 at the embedding (a level's forward copy before its backward one); it numbers the layer's buffers.</param>
/// <param name="KerasName">The Keras name of the weights' scope: <c>simple_rnn</c>, <c>simple_rnn_1</c>, …, or <c>bidirectional/forward_lstm</c>, <c>bidirectional/backward_lstm</c>, <c>bidirectional_1/forward_lstm_1</c>, …</param>
/// <param name="InputSize">The width d of the layer's input: Embed at level 0, the level below's output width (u, or 2u merged) above it.</param>
/// <param name="Units">The number of units u.</param>
/// <param name="GateCount">The number of gate blocks G fused into the kernels (1 for SimpleRNN).</param>
/// <param name="ReturnSequences">True for every layer but the top one, whose last state feeds the Dense layer.</param>
internal sealed record LayerSpec(int Index, string KerasName, int InputSize, int Units, int GateCount, bool ReturnSequences)
{
    /// <summary>The width of the fused gate pre-activations, G·u.</summary>
    public int GateWidth => GateCount * Units;

    /// <summary>The level of the stack, from 0 at the embedding (equal to <see cref="Index"/> without Bidirectional).</summary>
    public int Level { get; init; }

    /// <summary>The Keras Bidirectional wrapper holding this copy (<c>bidirectional</c>, <c>bidirectional_1</c>, …), or null.</summary>
    public string? Wrapper { get; init; }

    /// <summary>Keras' <c>go_backwards</c>: the backward copy of a Bidirectional level reads x_(T−1), …, x_0.</summary>
    public bool GoBackwards { get; init; }

    /// <summary>The number of bias rows: 2 for a GRU with reset_after (input and recurrent bias), else 1.</summary>
    public int BiasRows { get; init; } = 1;

    /// <summary>How the bias starts (zeros, or the LSTM's unit forget bias).</summary>
    public InitializerKind BiasInitializer { get; init; } = InitializerKind.Zeros;

    /// <summary>Keras' count for the layer, G·u·(d + u + bias rows); decimal, so a declaration too large to build is reported, not wrapped.</summary>
    public decimal ParameterCount => (decimal)GateCount * Units * ((decimal)InputSize + Units + BiasRows);
}
