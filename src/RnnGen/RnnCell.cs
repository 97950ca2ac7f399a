namespace RnnGen;

/// <summary>The recurrent cell of every layer of an <see cref="RnnModelAttribute"/> model.</summary>
public enum RnnCell
{
    /// <summary>Keras <c>SimpleRNN</c>: <c>h_t = act(x_t·W + b + h_{t-1}·U)</c>.</summary>
    SimpleRnn = 0,

    /// <summary>Keras <c>LSTM</c>, gate order i, f, c, o: kernel (d, 4u), recurrent_kernel (u, 4u), bias (4u).</summary>
    Lstm = 1,

    /// <summary>Keras <c>GRU</c>, gate order z, r, h: kernel (d, 3u), recurrent_kernel (u, 3u), bias (2, 3u) or (3u).</summary>
    Gru = 2,
}

/// <summary>The activation of the LSTM and GRU gates (Keras <c>recurrent_activation</c>).</summary>
public enum RecurrentActivation
{
    /// <summary>The logistic sigmoid, the default of tf.keras 2 and Keras 3.</summary>
    Sigmoid = 0,

    /// <summary>Keras 2's <c>hard_sigmoid</c>, <c>clip(0.2x + 0.5, 0, 1)</c>: the default of Keras ≤ 2.2.</summary>
    HardSigmoid = 1,
}

/// <summary>The activation of a SimpleRNN cell.</summary>
public enum RnnActivation
{
    /// <summary><c>tanh</c>, the Keras default.</summary>
    Tanh = 0,

    /// <summary><c>relu</c>: <c>max(x, 0)</c>.</summary>
    Relu = 1,
}
