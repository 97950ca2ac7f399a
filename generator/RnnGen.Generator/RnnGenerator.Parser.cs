using System.Collections.Immutable;
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

        ModelOptions options = ReadOptions(arguments);
        CheckOptions(options, arguments, diagnostics);
        CellTraits? cell = CellTraits.Find(options.Cell);
        EquatableArray<LayerSpec> layers = EquatableArray<LayerSpec>.Empty;
        if (cell is not null && CanBuildLayers(options))
        {
            layers = BuildLayers(options, cell);
            CheckSize(options, layers, arguments, attributeLocation, diagnostics);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (diagnostics.Count > 0 || cell is null)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        var spec = new ModelSpec(
            Namespace: type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty,
            ContainingTypes: GetContainingTypes(type),
            TypeName: type.Name,
            Vocab: options.Vocab,
            Embed: options.Embed,
            Units: options.Units,
            SeqLen: options.SeqLen,
            Cell: cell.Kind,
            Activation: (ActivationKind)options.Activation,
            Unroll: options.Unroll,
            Layers: layers)
        {
            RecurrentActivation = (RecurrentActivationKind)options.RecurrentActivation,
            ResetAfter = options.ResetAfter,
            UnitForgetBias = options.UnitForgetBias,
            Dropout = options.Dropout,
            RecurrentDropout = options.RecurrentDropout,
            AssemblyName = context.SemanticModel.Compilation.AssemblyName,
            Classes = options.Classes,
            MaskZero = options.MaskZero,
            Bidirectional = options.Bidirectional,
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
}
