using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

// The attribute's arguments, in three steps: read them (defaults from ModelOptions), check each, and build the layers,
// whose parameter counts are then checked against the budget.
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

    /// <summary>Reads every argument of the attribute; an argument not written keeps its default.</summary>
    private static ModelOptions ReadOptions(AttributeArguments arguments)
    {
        var defaults = new ModelOptions();
        return new ModelOptions
        {
            Vocab = arguments.GetInt32(nameof(ModelOptions.Vocab), defaults.Vocab),
            Embed = arguments.GetInt32(nameof(ModelOptions.Embed), defaults.Embed),
            Units = arguments.GetInt32(nameof(ModelOptions.Units), defaults.Units),
            Layers = arguments.GetInt32(nameof(ModelOptions.Layers), defaults.Layers),
            SeqLen = arguments.GetInt32(nameof(ModelOptions.SeqLen), defaults.SeqLen),
            Cell = arguments.GetInt32(nameof(ModelOptions.Cell), defaults.Cell),
            Activation = arguments.GetInt32(nameof(ModelOptions.Activation), defaults.Activation),
            RecurrentActivation = arguments.GetInt32(nameof(ModelOptions.RecurrentActivation), defaults.RecurrentActivation),
            ResetAfter = arguments.GetBoolean(nameof(ModelOptions.ResetAfter), defaults.ResetAfter),
            UnitForgetBias = arguments.GetBoolean(nameof(ModelOptions.UnitForgetBias), defaults.UnitForgetBias),
            Dropout = arguments.GetDouble(nameof(ModelOptions.Dropout), defaults.Dropout),
            RecurrentDropout = arguments.GetDouble(nameof(ModelOptions.RecurrentDropout), defaults.RecurrentDropout),
            Unroll = arguments.GetBoolean(nameof(ModelOptions.Unroll), defaults.Unroll),
            Classes = arguments.GetInt32(nameof(ModelOptions.Classes), defaults.Classes),
            MaskZero = arguments.GetBoolean(nameof(ModelOptions.MaskZero), defaults.MaskZero),
            Bidirectional = arguments.GetBoolean(nameof(ModelOptions.Bidirectional), defaults.Bidirectional),
        };
    }

    /// <summary>The checks of single arguments: each a diagnostic at the argument.</summary>
    private static void CheckOptions(ModelOptions options, AttributeArguments arguments, List<DiagnosticInfo> diagnostics)
    {
        foreach ((string name, int value) in Dimensions(options))
        {
            if (value <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DimensionNotPositive, arguments.LocationOf(name), name, value));
            }
        }

        if (options.Vocab == 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.VocabTooSmall, arguments.LocationOf(nameof(ModelOptions.Vocab)), options.Vocab));
        }

        if (options.Classes < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassesNotPositive, arguments.LocationOf(nameof(ModelOptions.Classes)), options.Classes));
        }

        if (options.Layers > MaxLayers)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyLayers, arguments.LocationOf(nameof(ModelOptions.Layers)), options.Layers, MaxLayers));
        }

        CheckDefined<CellKind>(nameof(ModelOptions.Cell), options.Cell, "RnnCell");
        CheckDefined<ActivationKind>(nameof(ModelOptions.Activation), options.Activation, "RnnActivation");
        CheckDefined<RecurrentActivationKind>(nameof(ModelOptions.RecurrentActivation), options.RecurrentActivation, "RecurrentActivation");

        foreach ((string name, double rate) in new[] { (nameof(ModelOptions.Dropout), options.Dropout), (nameof(ModelOptions.RecurrentDropout), options.RecurrentDropout) })
        {
            if (!(rate >= 0 && rate < 1))
            {
                string written = rate.ToString("R", CultureInfo.InvariantCulture);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutOutOfRange, arguments.LocationOf(name), name, written));
            }
        }

        if (CellTraits.Find(options.Cell) is { } cell)
        {
            CheckCellOptions(cell, arguments, diagnostics);
        }

        if (options.Unroll && options.SeqLen > MaxUnrolledSeqLen)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnrollTooLong, arguments.LocationOf(nameof(ModelOptions.Unroll)), options.SeqLen, MaxUnrolledSeqLen));
        }

        void CheckDefined<TEnum>(string name, int value, string runtimeEnum)
            where TEnum : struct, Enum
        {
            if (!Enum.IsDefined(typeof(TEnum), value))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UndefinedEnumValue, arguments.LocationOf(name), name, value, runtimeEnum));
            }
        }
    }

    private static (string Name, int Value)[] Dimensions(ModelOptions options) =>
    [
        (nameof(ModelOptions.Vocab), options.Vocab),
        (nameof(ModelOptions.Embed), options.Embed),
        (nameof(ModelOptions.Units), options.Units),
        (nameof(ModelOptions.Layers), options.Layers),
        (nameof(ModelOptions.SeqLen), options.SeqLen),
    ];

    /// <summary>Options that only some cells have are errors on the others, so a setting never silently does nothing.</summary>
    private static void CheckCellOptions(CellTraits cell, AttributeArguments arguments, List<DiagnosticInfo> diagnostics)
    {
        foreach (string option in CellTraits.All.SelectMany(static c => c.Options).Distinct())
        {
            if (!arguments.IsSet(option) || cell.Options.Contains(option))
            {
                continue;
            }

            string appliesTo = string.Join(" and ", CellTraits.All.Where(c => c.Options.Contains(option)).Select(static c => c.KerasClass));
            if (option == nameof(ModelOptions.Activation))
            {
                appliesTo += " (LSTM and GRU use tanh)";
            }

            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionNotForCell, arguments.LocationOf(option), option, cell.KerasClass, appliesTo));
        }
    }

    /// <summary>Layers can be built (and their sizes checked) when every dimension is positive and the stack is not too deep.</summary>
    private static bool CanBuildLayers(ModelOptions options) =>
        Dimensions(options).All(static d => d.Value > 0) && options.Layers <= MaxLayers && options.Classes >= 1;

    /// <summary>
    /// The stack, bottom first: Keras names (<c>lstm</c>, <c>lstm_1</c>, …), widths, gates and bias shape from the cell.
    /// With Bidirectional, each level is two copies in Keras' weights order, forward first: the k-th wrapper is
    /// <c>bidirectional_k</c> (no suffix for the first) and its copies are <c>forward_</c>/<c>backward_</c> + the inner
    /// layer's auto-name (docs/keras-conventions.md, Bidirectional).
    /// </summary>
    private static EquatableArray<LayerSpec> BuildLayers(ModelOptions options, CellTraits cell)
    {
        int directions = DirectionsOf(options);
        int outputWidth = directions * options.Units;
        var layers = new LayerSpec[options.Layers * directions];
        for (int level = 0; level < options.Layers; level++)
        {
            string inner = level == 0 ? cell.KerasStem : $"{cell.KerasStem}_{level}";
            string? wrapper = options.Bidirectional ? (level == 0 ? "bidirectional" : $"bidirectional_{level}") : null;
            for (int direction = 0; direction < directions; direction++)
            {
                int index = (level * directions) + direction;
                bool backward = direction == 1;
                layers[index] = new LayerSpec(
                    Index: index,
                    KerasName: wrapper is null ? inner : $"{wrapper}/{(backward ? "backward" : "forward")}_{inner}",
                    InputSize: level == 0 ? options.Embed : outputWidth,
                    Units: options.Units,
                    GateCount: cell.GateCount,
                    ReturnSequences: level < options.Layers - 1)
                {
                    Level = level,
                    Wrapper = wrapper,
                    GoBackwards = backward,
                    BiasRows = cell.BiasRows(options),
                    BiasInitializer = cell.BiasInitializer(options),
                };
            }
        }

        return layers.ToEquatableArray();
    }

    /// <summary>The copies of each level: 2 with Bidirectional (forward and backward), else 1.</summary>
    private static int DirectionsOf(ModelOptions options) => options.Bidirectional ? 2 : 1;

    /// <summary>The budgets: all parameters (Keras' count, from the layers' own counts) and one sample's widest sequence.</summary>
    private static void CheckSize(
        ModelOptions options,
        EquatableArray<LayerSpec> layers,
        AttributeArguments arguments,
        LocationInfo? attributeLocation,
        List<DiagnosticInfo> diagnostics)
    {
        // decimal: the products of int dimensions cannot overflow it, so an overflowing model is reported, not wrapped.
        decimal dense = (((decimal)options.Units * DirectionsOf(options)) + 1) * options.Classes;
        decimal parameters = ((decimal)options.Vocab * options.Embed) + layers.Sum(static l => l.ParameterCount) + dense;
        if (parameters > MaxParameters)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.TooManyParameters,
                attributeLocation,
                parameters.ToString("N0", CultureInfo.InvariantCulture),
                MaxParameters.ToString("N0", CultureInfo.InvariantCulture),
                parameters > int.MaxValue ? "it does not fit in one array" : "each optimizer slot would need more than 1 GiB"));
        }

        decimal widest = Math.Max(Math.Max(options.Embed, layers.Max(static l => (decimal)l.GateCount * l.Units)), layers.Max(static l => (decimal)l.InputSize));
        decimal sequenceFloats = options.SeqLen * widest;
        if (sequenceFloats > MaxSequenceFloats)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.SequenceTooLarge,
                arguments.LocationOf(nameof(ModelOptions.SeqLen)),
                sequenceFloats.ToString("N0", CultureInfo.InvariantCulture),
                MaxSequenceFloats.ToString("N0", CultureInfo.InvariantCulture)));
        }
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
