using System.Globalization;
using System.Text;

namespace RnnGen.Keras;

/// <summary>
/// The architecture a Keras file records, in RnnGen's terms: Embedding(Vocab, Embed[, mask_zero]) → Layers stacked
/// recurrent layers of one cell and width (each optionally in Bidirectional(merge_mode="concat")) → Dense(Classes) with
/// sigmoid (1) or softmax (N ≥ 2). <see cref="SeqLen"/> is known only where the file records an input shape.
/// </summary>
public sealed record KerasArchitecture
{
    /// <summary>The recurrent cell.</summary>
    public required RnnCell Cell { get; init; }

    /// <summary>Embedding's <c>input_dim</c>.</summary>
    public required int Vocab { get; init; }

    /// <summary>Embedding's <c>output_dim</c>.</summary>
    public required int Embed { get; init; }

    /// <summary>The recurrent layers' <c>units</c>.</summary>
    public required int Units { get; init; }

    /// <summary>The number of stacked recurrent layers (Bidirectional wrappers count once).</summary>
    public required int Layers { get; init; }

    /// <summary>The sequence length of the input shape, where the file records one.</summary>
    public int? SeqLen { get; init; }

    /// <summary>Dense's <c>units</c>: 1 with sigmoid, N ≥ 2 with softmax.</summary>
    public int Classes { get; init; } = 1;

    /// <summary>Embedding's <c>mask_zero</c>.</summary>
    public bool MaskZero { get; init; }

    /// <summary>Whether every recurrent layer is wrapped in <c>Bidirectional(merge_mode="concat")</c>.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>SimpleRNN's activation.</summary>
    public RnnActivation Activation { get; init; }

    /// <summary>LSTM and GRU: the gate activation.</summary>
    public RecurrentActivation RecurrentActivation { get; init; }

    /// <summary>GRU: <c>reset_after</c>.</summary>
    public bool ResetAfter { get; init; } = true;

    /// <summary>LSTM: <c>unit_forget_bias</c> (initialization only).</summary>
    public bool UnitForgetBias { get; init; } = true;

    /// <summary>The recurrent layers' <c>dropout</c> (training only).</summary>
    public double Dropout { get; init; }

    /// <summary>The recurrent layers' <c>recurrent_dropout</c> (training only).</summary>
    public double RecurrentDropout { get; init; }

    /// <summary>The recurrent layers' <c>unroll</c>.</summary>
    public bool Unroll { get; init; }

    /// <summary>The Keras release that wrote the file, where it says.</summary>
    public string? KerasVersion { get; init; }

    /// <summary>
    /// Every way this architecture differs from <paramref name="description"/> in what the weights mean (cell, widths,
    /// depth, vocabulary, recorded sequence length, head, masking, bidirectional, activations, GRU form); empty when the
    /// file's weights fit the model. Dropout, initialization and unrolling change no weight, so they are not compared.
    /// </summary>
    public IReadOnlyList<string> Mismatches(ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var problems = new List<string>();
        void Compare<T>(string what, T file, T model)
        {
            if (!EqualityComparer<T>.Default.Equals(file, model))
            {
                problems.Add($"{what}: the file has {Text(file)}, the model {Text(model)}");
            }
        }

        Compare("cell", Cell, description.Cell);
        Compare("units", Units, description.Units);
        Compare("recurrent layers", Layers, description.Layers);
        Compare("vocabulary (Embedding input_dim)", Vocab, description.Vocab);
        Compare("embedding width (Embedding output_dim)", Embed, description.Embed);
        if (SeqLen is int seqLen)
        {
            Compare("sequence length (input shape)", seqLen, description.SeqLen);
        }

        Compare("classes (Dense units)", Classes, description.Classes);
        Compare("mask_zero", MaskZero, description.MaskZero);
        Compare("bidirectional", Bidirectional, description.Bidirectional);
        if (Cell == description.Cell)
        {
            if (Cell == RnnCell.SimpleRnn)
            {
                Compare("activation", Activation, description.Activation);
            }
            else
            {
                Compare("recurrent_activation", RecurrentActivation, description.RecurrentActivation);
            }

            if (Cell == RnnCell.Gru)
            {
                Compare("reset_after", ResetAfter, description.ResetAfter);
            }
        }

        return problems;
    }

    /// <summary>
    /// The <c>[RnnModel(...)]</c> attribute that compiles this architecture, with only the non-default arguments beyond
    /// the dimensions; <paramref name="defaultSeqLen"/> stands in where the file records no sequence length.
    /// </summary>
    public string ToAttribute(int defaultSeqLen = 0)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"[RnnModel(Vocab = {Vocab}, Embed = {Embed}, Units = {Units}"));
        if (Layers != 1)
        {
            text.Append(CultureInfo.InvariantCulture, $", Layers = {Layers}");
        }

        text.Append(CultureInfo.InvariantCulture, $", SeqLen = {SeqLen ?? defaultSeqLen}");
        if (Cell != RnnCell.SimpleRnn)
        {
            text.Append(CultureInfo.InvariantCulture, $", Cell = RnnCell.{Cell}");
        }

        if (Cell == RnnCell.SimpleRnn && Activation != RnnActivation.Tanh)
        {
            text.Append(CultureInfo.InvariantCulture, $", Activation = RnnActivation.{Activation}");
        }

        if (Cell != RnnCell.SimpleRnn && RecurrentActivation != RecurrentActivation.Sigmoid)
        {
            text.Append(CultureInfo.InvariantCulture, $", RecurrentActivation = RecurrentActivation.{RecurrentActivation}");
        }

        if (Cell == RnnCell.Gru && !ResetAfter)
        {
            text.Append(", ResetAfter = false");
        }

        if (Cell == RnnCell.Lstm && !UnitForgetBias)
        {
            text.Append(", UnitForgetBias = false");
        }

        if (Dropout != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", Dropout = {Dropout}");
        }

        if (RecurrentDropout != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", RecurrentDropout = {RecurrentDropout}");
        }

        if (Unroll)
        {
            text.Append(", Unroll = true");
        }

        if (MaskZero)
        {
            text.Append(", MaskZero = true");
        }

        if (Bidirectional)
        {
            text.Append(", Bidirectional = true");
        }

        if (Classes != 1)
        {
            text.Append(CultureInfo.InvariantCulture, $", Classes = {Classes}");
        }

        return text.Append(")]").ToString();
    }

    private static string Text<T>(T value) => value switch
    {
        bool flag => flag ? "true" : "false",
        RnnCell cell => KerasNames.ClassName(cell),
        RnnActivation activation => activation == RnnActivation.Relu ? "relu" : "tanh",
        RecurrentActivation gate => gate == RecurrentActivation.HardSigmoid ? "hard_sigmoid" : "sigmoid",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
