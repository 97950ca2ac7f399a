using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

/// <summary>The outcome of parsing one <c>[RnnModel]</c> class: a spec when it can be generated, and its diagnostics.</summary>
internal sealed record ParseResult(ModelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

public sealed partial class RnnGenerator
{
    /// <summary>The most recurrent layers a model may stack (documented in the README).</summary>
    public const int MaxLayers = 8;

    /// <summary>The most parameters a model may have: 2^28 floats, 1 GiB per buffer (parameters, gradients, each optimizer slot).</summary>
    public const long MaxParameters = 1L << 28;

    /// <summary>The longest sequence <c>Unroll = true</c> accepts.</summary>
    public const int MaxUnrolledSeqLen = 256;

    /// <summary>The most floats one sample's sequence of one layer may need: 2^24.</summary>
    public const long MaxSequenceFloats = 1L << 24;

    private static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (context.TargetSymbol is not INamedTypeSymbol type)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        if (context.TargetNode is not ClassDeclarationSyntax declaration)
        {
            // A record, struct or interface would otherwise be skipped without a word.
            if (context.TargetNode is TypeDeclarationSyntax other)
            {
                string kind = other switch
                {
                    RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                    StructDeclarationSyntax => "struct",
                    InterfaceDeclarationSyntax => "interface",
                    _ => other.Keyword.ValueText,
                };
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAClass, LocationInfo.From(other.Identifier.GetLocation()), type.Name, kind));
            }

            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        ImmutableArray<AttributeData> attributes = context.Attributes;
        if (attributes.IsDefaultOrEmpty)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        LocationInfo? identifier = LocationInfo.From(declaration.Identifier.GetLocation());
        for (int i = 1; i < attributes.Length; i++)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.DuplicateAttribute,
                LocationInfo.From(attributes[i].ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? identifier,
                type.Name));
        }

        CheckDeclaration(type, declaration, identifier, diagnostics, cancellationToken);

        AttributeData attribute = attributes[0];
        AttributeSyntax? attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        LocationInfo? attributeLocation = LocationInfo.From(attributeSyntax) ?? identifier;
        var arguments = new AttributeArguments(attribute, attributeSyntax, attributeLocation);

        int vocab = arguments.GetInt32("Vocab", 0);
        int embed = arguments.GetInt32("Embed", 0);
        int units = arguments.GetInt32("Units", 0);
        int layers = arguments.GetInt32("Layers", 1);
        int seqLen = arguments.GetInt32("SeqLen", 0);
        int cell = arguments.GetInt32("Cell", (int)CellKind.SimpleRnn);
        int activation = arguments.GetInt32("Activation", (int)ActivationKind.Tanh);
        bool unroll = arguments.GetBoolean("Unroll", false);
        int recurrentActivation = arguments.GetInt32("RecurrentActivation", (int)RecurrentActivationKind.Sigmoid);
        bool resetAfter = arguments.GetBoolean("ResetAfter", true);
        bool unitForgetBias = arguments.GetBoolean("UnitForgetBias", true);
        double dropout = arguments.GetDouble("Dropout", 0);
        double recurrentDropout = arguments.GetDouble("RecurrentDropout", 0);

        bool dimensionsValid = true;
        foreach ((string name, int value) in new[] { ("Vocab", vocab), ("Embed", embed), ("Units", units), ("Layers", layers), ("SeqLen", seqLen) })
        {
            if (value <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DimensionNotPositive, arguments.LocationOf(name), name, value));
                dimensionsValid = false;
            }
        }

        if (vocab == 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.VocabTooSmall, arguments.LocationOf("Vocab"), vocab));
        }

        if (layers > MaxLayers)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyLayers, arguments.LocationOf("Layers"), layers, MaxLayers));
        }

        if (!Enum.IsDefined(typeof(CellKind), cell))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UndefinedEnumValue, arguments.LocationOf("Cell"), "Cell", cell, "RnnCell"));
        }

        if (!Enum.IsDefined(typeof(ActivationKind), activation))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UndefinedEnumValue, arguments.LocationOf("Activation"), "Activation", activation, "RnnActivation"));
        }

        if (!Enum.IsDefined(typeof(RecurrentActivationKind), recurrentActivation))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UndefinedEnumValue, arguments.LocationOf("RecurrentActivation"), "RecurrentActivation", recurrentActivation, "RecurrentActivation"));
        }

        foreach ((string name, double rate) in new[] { ("Dropout", dropout), ("RecurrentDropout", recurrentDropout) })
        {
            if (!(rate >= 0 && rate < 1))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutOutOfRange, arguments.LocationOf(name), name, rate.ToString("R", CultureInfo.InvariantCulture)));
            }
        }

        CheckCellOptions((CellKind)cell, arguments, diagnostics);

        if (unroll && seqLen > MaxUnrolledSeqLen)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnrollTooLong, arguments.LocationOf("Unroll"), seqLen, MaxUnrolledSeqLen));
        }

        if (dimensionsValid && layers <= MaxLayers)
        {
            // decimal: the products of int dimensions cannot overflow it, so an overflowing model is reported, not wrapped.
            int gates = ModelSpec.GateCountOf((CellKind)cell);
            int biasRows = cell == (int)CellKind.Gru && resetAfter ? 2 : 1;
            decimal parameters = ((decimal)vocab * embed) + units + 1;
            for (int layer = 0; layer < layers; layer++)
            {
                int input = layer == 0 ? embed : units;
                parameters += (decimal)gates * units * ((decimal)input + units + biasRows);
            }

            if (parameters > MaxParameters)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.TooManyParameters,
                    attributeLocation,
                    parameters.ToString("N0", CultureInfo.InvariantCulture),
                    MaxParameters.ToString("N0", CultureInfo.InvariantCulture),
                    parameters > int.MaxValue ? "it does not fit in one array" : "each optimizer slot would need more than 1 GiB"));
            }

            decimal sequenceFloats = (decimal)seqLen * Math.Max(embed, gates * units);
            if (sequenceFloats > MaxSequenceFloats)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.SequenceTooLarge,
                    arguments.LocationOf("SeqLen"),
                    sequenceFloats.ToString("N0", CultureInfo.InvariantCulture),
                    MaxSequenceFloats.ToString("N0", CultureInfo.InvariantCulture)));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (diagnostics.Count > 0)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        var cellKind = (CellKind)cell;
        string stem = ModelSpec.KerasNameOf(cellKind);
        var layerSpecs = new LayerSpec[layers];
        for (int i = 0; i < layers; i++)
        {
            layerSpecs[i] = new LayerSpec(i, i == 0 ? stem : $"{stem}_{i}", i == 0 ? embed : units, units, ModelSpec.GateCountOf(cellKind), ReturnSequences: i < layers - 1)
            {
                BiasRows = cellKind == CellKind.Gru && resetAfter ? 2 : 1,
            };
        }

        var spec = new ModelSpec(
            Namespace: type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty,
            ContainingTypes: GetContainingTypes(type),
            TypeName: type.Name,
            Vocab: vocab,
            Embed: embed,
            Units: units,
            SeqLen: seqLen,
            Cell: (CellKind)cell,
            Activation: (ActivationKind)activation,
            Unroll: unroll,
            Layers: layerSpecs.ToEquatableArray())
        {
            RecurrentActivation = (RecurrentActivationKind)recurrentActivation,
            ResetAfter = resetAfter,
            UnitForgetBias = unitForgetBias,
            Dropout = dropout,
            RecurrentDropout = recurrentDropout,
            KernelsClass = global::RnnGen.Generator.Emit.KernelsFileEmitter.ClassFor(context.SemanticModel.Compilation.AssemblyName),
        };

        CheckGeneratedNames(type, spec, identifier, diagnostics);
        if (diagnostics.Count > 0)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        return new ParseResult(spec, EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>
    /// Names the generated code declares as members of the model class: a class of that name (CS0542) or a user-written
    /// member of that name (CS0102), or a user constructor taking one int (CS0111), would be an error inside a
    /// generated file, far from its cause.
    /// </summary>
    private static void CheckGeneratedNames(INamedTypeSymbol type, ModelSpec spec, LocationInfo? identifier, List<DiagnosticInfo> diagnostics)
    {
        HashSet<string> generated = GeneratedMembers.Names(spec);
        if (GeneratedMembers.IsGenerated(type.Name, generated))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameOfAGeneratedMember, identifier, type.Name));
        }

        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || member.Locations.Length == 0 || !member.Locations[0].IsInSource)
            {
                continue;
            }

            string? clash = member switch
            {
                IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false } constructor
                    when constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_Int32 =>
                    "a constructor taking one int (the generated one is (int seed = 0))",
                IMethodSymbol => null, // overloads of generated methods are legal C#
                _ when GeneratedMembers.IsGenerated(member.Name, generated) => $"a member named '{member.Name}'",
                _ => null,
            };
            if (clash is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberClashesWithGenerated, LocationInfo.From(member.Locations[0]), type.Name, clash));
            }
        }
    }

    /// <summary>Options that only one kind of cell has are errors on the others, so a setting never silently does nothing.</summary>
    private static void CheckCellOptions(CellKind cell, AttributeArguments arguments, List<DiagnosticInfo> diagnostics)
    {
        if (!Enum.IsDefined(typeof(CellKind), cell))
        {
            return;
        }

        string cellName = cell switch { CellKind.Lstm => "LSTM", CellKind.Gru => "GRU", _ => "SimpleRNN" };
        foreach ((string option, CellKind[] cells, string appliesTo) in new[]
        {
            ("Activation", new[] { CellKind.SimpleRnn }, "SimpleRNN (LSTM and GRU use tanh)"),
            ("RecurrentActivation", new[] { CellKind.Lstm, CellKind.Gru }, "LSTM and GRU"),
            ("ResetAfter", new[] { CellKind.Gru }, "GRU"),
            ("UnitForgetBias", new[] { CellKind.Lstm }, "LSTM"),
        })
        {
            if (arguments.IsSet(option) && Array.IndexOf(cells, cell) < 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionNotForCell, arguments.LocationOf(option), option, cellName, appliesTo));
            }
        }
    }

    private static void CheckDeclaration(
        INamedTypeSymbol type,
        ClassDeclarationSyntax declaration,
        LocationInfo? identifier,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, identifier, type.Name));
        }

        if (type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticClass, identifier, type.Name));
        }

        if (type.IsFileLocal)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocalClass, identifier, type.Name));
        }

        bool generic = type.TypeParameters.Length > 0;
        for (INamedTypeSymbol? containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
        {
            generic |= containing.TypeParameters.Length > 0;
            bool partial = false;
            foreach (SyntaxReference reference in containing.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax containingDeclaration
                    && containingDeclaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    partial = true;
                }
            }

            if (!partial)
            {
                LocationInfo? location = containing.Locations.Length > 0 ? LocationInfo.From(containing.Locations[0]) : identifier;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, location, containing.Name));
            }
        }

        if (generic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericType, identifier, type.Name));
        }
    }

    private static EquatableArray<ContainingTypeSpec> GetContainingTypes(INamedTypeSymbol type)
    {
        var chain = new List<ContainingTypeSpec>();
        for (INamedTypeSymbol? containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
        {
            string keyword = containing switch
            {
                { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
                { IsRecord: true } => "record",
                { TypeKind: TypeKind.Struct } => "struct",
                { TypeKind: TypeKind.Interface } => "interface",
                _ => "class",
            };
            chain.Insert(0, new ContainingTypeSpec(keyword, containing.Name));
        }

        return chain.ToEquatableArray();
    }

    /// <summary>Reads named arguments of the attribute and finds the syntax of each, for diagnostics that point at it.</summary>
    private readonly struct AttributeArguments(AttributeData attribute, AttributeSyntax? syntax, LocationInfo? attributeLocation)
    {
        public int GetInt32(string name, int defaultValue) =>
            TryGet(name, out TypedConstant value) && value.Value is int number ? number : defaultValue;

        public double GetDouble(string name, double defaultValue) =>
            TryGet(name, out TypedConstant value) && value.Value is double number ? number : defaultValue;

        public bool IsSet(string name) => TryGet(name, out _);

        public bool GetBoolean(string name, bool defaultValue) =>
            TryGet(name, out TypedConstant value) && value.Value is bool flag ? flag : defaultValue;

        public LocationInfo? LocationOf(string name)
        {
            if (syntax?.ArgumentList is { } list)
            {
                foreach (AttributeArgumentSyntax argument in list.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == name)
                    {
                        return LocationInfo.From(argument);
                    }
                }
            }

            return attributeLocation;
        }

        private bool TryGet(string name, out TypedConstant value)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == name && argument.Value.Kind != TypedConstantKind.Error && !argument.Value.IsNull)
                {
                    value = argument.Value;
                    return true;
                }
            }

            value = default;
            return false;
        }
    }
}
