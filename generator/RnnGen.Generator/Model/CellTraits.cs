namespace RnnGen.Generator.Model;

/// <summary>
/// What the generator knows about one kind of recurrent cell, in one place: its Keras names, its gate count, the
/// attribute options it accepts and how its bias is shaped and initialized. The code that writes a cell's steps is its
/// emitter in <c>Emit/Cells</c>; its runtime steps are in <c>RnnGen.Kernels.CellKernels</c>.
/// </summary>
/// <remarks>
/// Adding a cell: a value in <see cref="CellKind"/> (mirroring <c>RnnGen.RnnCell</c>), an entry in <see cref="All"/>, an
/// emitter file in <c>Emit/Cells</c> named in <c>CellEmitter.For</c>, and its kernels with a scalar reference in the runtime.
/// </remarks>
internal sealed class CellTraits
{
    private readonly Func<ModelOptions, int> _biasRows;
    private readonly Func<ModelOptions, InitializerKind> _biasInitializer;

    private CellTraits(
        CellKind kind,
        string kerasClass,
        string kerasStem,
        int gateCount,
        string[] options,
        Func<ModelOptions, int>? biasRows = null,
        Func<ModelOptions, InitializerKind>? biasInitializer = null)
    {
        Kind = kind;
        KerasClass = kerasClass;
        KerasStem = kerasStem;
        GateCount = gateCount;
        Options = options;
        _biasRows = biasRows ?? (static _ => 1);
        _biasInitializer = biasInitializer ?? (static _ => InitializerKind.Zeros);
    }

    public static CellTraits SimpleRnn { get; } = new(CellKind.SimpleRnn, "SimpleRNN", "simple_rnn", gateCount: 1, [nameof(ModelOptions.Activation)]);

    /// <summary>Gates [i | f | c | o]; with unit_forget_bias the f block of the bias starts at 1.</summary>
    public static CellTraits Lstm { get; } = new(
        CellKind.Lstm,
        "LSTM",
        "lstm",
        gateCount: 4,
        [nameof(ModelOptions.RecurrentActivation), nameof(ModelOptions.UnitForgetBias)],
        biasInitializer: static options => options.UnitForgetBias ? InitializerKind.ForgetBiasOnes : InitializerKind.Zeros);

    /// <summary>Gates [z | r | h]; reset_after keeps an input and a recurrent bias row, (2, 3u).</summary>
    public static CellTraits Gru { get; } = new(
        CellKind.Gru,
        "GRU",
        "gru",
        gateCount: 3,
        [nameof(ModelOptions.RecurrentActivation), nameof(ModelOptions.ResetAfter)],
        biasRows: static options => options.ResetAfter ? 2 : 1);

    /// <summary>Every cell, in <see cref="CellKind"/> order.</summary>
    public static IReadOnlyList<CellTraits> All { get; } = [SimpleRnn, Lstm, Gru];

    public CellKind Kind { get; }

    /// <summary>The Keras layer class: <c>SimpleRNN</c>, <c>LSTM</c>, <c>GRU</c>.</summary>
    public string KerasClass { get; }

    /// <summary>The Keras auto-name stem of the layers: <c>simple_rnn</c>, <c>simple_rnn_1</c>, …</summary>
    public string KerasStem { get; }

    /// <summary>The number of gate blocks fused into the kernels: 1 (SimpleRNN), 4 (LSTM), 3 (GRU).</summary>
    public int GateCount { get; }

    /// <summary>The cell-specific options of <c>[RnnModel]</c> this cell accepts; setting another cell's is an error.</summary>
    public IReadOnlyList<string> Options { get; }

    /// <summary>The rows of the bias tensor: 1, or 2 for a GRU with reset_after (input and recurrent bias).</summary>
    public int BiasRows(ModelOptions options) => _biasRows(options);

    public InitializerKind BiasInitializer(ModelOptions options) => _biasInitializer(options);

    /// <summary>The cell of an attribute value, or null for a value <c>RnnGen.RnnCell</c> does not define.</summary>
    public static CellTraits? Find(int cell) => All.FirstOrDefault(traits => (int)traits.Kind == cell);

    public static CellTraits Of(CellKind cell) => Find((int)cell) ?? throw new ArgumentOutOfRangeException(nameof(cell));
}
