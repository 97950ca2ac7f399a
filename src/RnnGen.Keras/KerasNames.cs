namespace RnnGen.Keras;

/// <summary>
/// Keras' names for RnnGen's layers: the class names a config records (<c>SimpleRNN</c>, <c>LSTM</c>, <c>GRU</c>), the
/// snake-case names Keras derives from them (<c>simple_rnn</c>, <c>lstm_1</c>; Keras 3 also names a layer's weight
/// group after its class, not its name) and the cells' names (<c>lstm_cell</c>).
/// </summary>
internal static class KerasNames
{
    public static string ClassName(RnnCell cell) => cell switch
    {
        RnnCell.Lstm => "LSTM",
        RnnCell.Gru => "GRU",
        _ => "SimpleRNN",
    };

    public static string SnakeName(RnnCell cell) => cell switch
    {
        RnnCell.Lstm => "lstm",
        RnnCell.Gru => "gru",
        _ => "simple_rnn",
    };

    public static string CellName(RnnCell cell) => $"{SnakeName(cell)}_cell";

    /// <summary>The n-th (0-based) layer of a class in a model: <c>lstm</c>, <c>lstm_1</c>, <c>lstm_2</c>, ….</summary>
    public static string Numbered(string snakeName, int index) => index == 0 ? snakeName : $"{snakeName}_{index}";

    public static RnnCell? CellOf(string className) => className switch
    {
        "SimpleRNN" => RnnCell.SimpleRnn,
        "LSTM" => RnnCell.Lstm,
        "GRU" => RnnCell.Gru,
        _ => null,
    };
}
