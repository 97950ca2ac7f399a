namespace RnnGen.Generator.Model;

/// <summary>
/// The arguments of one <c>[RnnModel]</c> attribute as written, or the attribute's default where not written. Property
/// names are the attribute's; enum options stay ints, so a value the runtime enum does not define is reported, not cast.
/// </summary>
/// <remarks>
/// The generator cannot reference the runtime, so the defaults below mirror <c>RnnGen.RnnModelAttribute</c>'s;
/// <c>AttributeDefaultsTests</c> checks that the two agree. Nothing else in the generator states a default.
/// </remarks>
internal sealed record ModelOptions
{
    public int Vocab { get; init; }

    public int Embed { get; init; }

    public int Units { get; init; }

    public int Layers { get; init; } = 1;

    public int SeqLen { get; init; }

    public int Cell { get; init; } = (int)CellKind.SimpleRnn;

    public int Activation { get; init; } = (int)ActivationKind.Tanh;

    public int RecurrentActivation { get; init; } = (int)RecurrentActivationKind.Sigmoid;

    public bool ResetAfter { get; init; } = true;

    public bool UnitForgetBias { get; init; } = true;

    public double Dropout { get; init; }

    public double RecurrentDropout { get; init; }

    public bool Unroll { get; init; }

    public int Classes { get; init; } = 1;

    public bool MaskZero { get; init; }

    public bool Bidirectional { get; init; }
}
