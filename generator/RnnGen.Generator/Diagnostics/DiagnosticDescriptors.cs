using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. Ids are stable: a retired id is never reused. Each is an error, because a model
/// that breaks one of these rules cannot be generated. The README's "Diagnostics" table documents them.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "RnnGen";

    public static readonly DiagnosticDescriptor ClassNotPartial = new(
        id: "RNNG0001",
        title: "[RnnModel] class must be partial",
        messageFormat: "'{0}' must be declared partial so that RnnGen can generate the model's code into it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator adds the forward and backward passes as another part of the class, and re-declares every containing type; all of them must be partial.");

    public static readonly DiagnosticDescriptor GenericType = new(
        id: "RNNG0002",
        title: "[RnnModel] class must not be generic",
        messageFormat: "'{0}' is generic or nested in a generic type; an [RnnModel] class has fixed shapes and cannot have type parameters",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DimensionNotPositive = new(
        id: "RNNG0003",
        title: "Model dimension must be positive",
        messageFormat: "{0} must be a positive number, but it is {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Vocab, Embed, Units, Layers and SeqLen must all be set to positive values.");

    public static readonly DiagnosticDescriptor VocabTooSmall = new(
        id: "RNNG0004",
        title: "Vocab must be at least 2",
        messageFormat: "Vocab is {0}, but a vocabulary needs at least 2 ids (id 0 is padding)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TooManyLayers = new(
        id: "RNNG0005",
        title: "Too many recurrent layers",
        messageFormat: "Layers is {0}, but at most {1} stacked recurrent layers are supported",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TooManyParameters = new(
        id: "RNNG0006",
        title: "Too many parameters",
        messageFormat: "The model has {0} parameters, more than the limit of {1} ({2})",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Parameters, gradients and optimizer state are flat float arrays; the limit keeps each of them well inside one .NET array.");

    public static readonly DiagnosticDescriptor UndefinedEnumValue = new(
        id: "RNNG0007",
        title: "Undefined enum value",
        messageFormat: "{0} = {1} is not a defined {2} value",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateAttribute = new(
        id: "RNNG0008",
        title: "[RnnModel] applied more than once",
        messageFormat: "'{0}' has more than one [RnnModel] attribute; a class defines exactly one model",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor StaticClass = new(
        id: "RNNG0009",
        title: "[RnnModel] class must not be static",
        messageFormat: "'{0}' is static; a model holds its weights in instance fields",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnrollTooLong = new(
        id: "RNNG0010",
        title: "Sequence too long to unroll",
        messageFormat: "Unroll = true with SeqLen {0} would emit {0} copies of every time step; unrolling is limited to SeqLen {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor SequenceTooLarge = new(
        id: "RNNG0011",
        title: "Sequence activations too large",
        messageFormat: "SeqLen × max(Embed, Units) is {0} floats per sample, more than the limit of {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Forward keeps every time step of every layer for backpropagation through time; the limit keeps a batch's buffers inside .NET arrays.");

    public static readonly DiagnosticDescriptor DropoutOutOfRange = new(
        id: "RNNG0012",
        title: "Dropout rate out of range",
        messageFormat: "{0} is {1}, but a dropout rate must be in [0, 1)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor OptionNotForCell = new(
        id: "RNNG0013",
        title: "Option does not apply to the cell",
        messageFormat: "{0} does not apply to {1} layers; it applies to {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NameOfAGeneratedMember = new(
        id: "RNNG0014",
        title: "Class named like a generated member",
        messageFormat: "The class '{0}' has the name of a member RnnGen generates for it (a member cannot have its class's name); rename the class",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MemberClashesWithGenerated = new(
        id: "RNNG0015",
        title: "Member clashes with a generated member",
        messageFormat: "'{0}' declares {1}, which RnnGen generates for the model; remove or rename it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotAClass = new(
        id: "RNNG0016",
        title: "[RnnModel] on a type that is not a class",
        messageFormat: "[RnnModel] applies to classes, but '{0}' is a {1}; declare it as 'partial class {0}'",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ClassesNotPositive = new(
        id: "RNNG0018",
        title: "Classes must be at least 1",
        messageFormat: "Classes is {0}; use 1 for a sigmoid head (binary labels) or the number of classes, 2 or more, for a softmax head",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor FileLocalClass = new(
        id: "RNNG0017",
        title: "[RnnModel] on a file-local class",
        messageFormat: "'{0}' is file-local ('file'), so the generated files cannot extend it; remove the 'file' modifier",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
