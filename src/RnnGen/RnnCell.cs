namespace RnnGen;

/// <summary>The recurrent cell of every layer of an <see cref="RnnModelAttribute"/> model.</summary>
public enum RnnCell
{
    /// <summary>Keras <c>SimpleRNN</c>: <c>h_t = act(x_t·W + b + h_{t-1}·U)</c>.</summary>
    SimpleRnn = 0,
}

/// <summary>The activation of a SimpleRNN cell.</summary>
public enum RnnActivation
{
    /// <summary><c>tanh</c>, the Keras default.</summary>
    Tanh = 0,

    /// <summary><c>relu</c>: <c>max(x, 0)</c>.</summary>
    Relu = 1,
}
