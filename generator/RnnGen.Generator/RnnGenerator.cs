using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Helpers;

namespace RnnGen.Generator;

/// <summary>
/// Compiles every <c>[RnnModel]</c> class into fixed-shape forward and backward code. The pipeline is
/// parse → (spec → source) and (diagnostics → report), kept apart so that moving a class, which changes only
/// diagnostic locations, never re-emits code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class RnnGenerator : IIncrementalGenerator
{
    public const string AttributeMetadataName = "RnnGen.RnnModelAttribute";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeMetadataName,
                predicate: static (node, _) => node is TypeDeclarationSyntax, // records and structs get RNNG0016
                transform: static (context, cancellationToken) => Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<Model.ModelSpec> specs = parsed
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.Specs);

        IncrementalValuesProvider<EquatableArray<Diagnostics.DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .Where(static diagnostics => diagnostics.Count > 0)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(specs, static (context, spec) => Emit(context, spec));

        // One kernels file for the whole compilation: the union of the models' kernel widths, re-emitted only when it changes.
        IncrementalValueProvider<Model.KernelSet> kernels = specs
            .Select(static (spec, _) => global::RnnGen.Generator.Emit.KernelsFileEmitter.KernelsOf(spec))
            .Collect()
            .Select(static (sets, _) => Model.KernelSet.Union(sets))
            .WithTrackingName(TrackingNames.Kernels);
        context.RegisterSourceOutput(kernels, static (context, set) => EmitKernels(context, set));
        context.RegisterSourceOutput(diagnostics, static (context, diagnostics) =>
        {
            foreach (Diagnostics.DiagnosticInfo diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }
}
