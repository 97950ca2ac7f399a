using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generator.Tests;

/// <summary>Runs <see cref="RnnGenerator"/> in memory over source text, as the compiler would.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Append(typeof(RnnModelAttribute).Assembly.Location)
            .Distinct()
            .Select(static path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "UserAssembly",
            sources.Select(static (source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            s_references.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new RnnGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the run result and the compilation including the generated code.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(params string[] sources)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(Compile(sources), out Compilation output, out _);
        GeneratorDriverRunResult result = driver.GetRunResult();
        Assert.Null(result.Results[0].Exception);
        return (result, output);
    }

    /// <summary>Fails if any value reachable from the pipeline's step outputs is a compilation, symbol or syntax node.</summary>
    public static void AssertNoRoslynObjects(GeneratorRunResult result)
    {
        string[] ownSteps = [Helpers.TrackingNames.Parse, Helpers.TrackingNames.Specs, Helpers.TrackingNames.Diagnostics, Helpers.TrackingNames.Kernels];
        foreach (KeyValuePair<string, ImmutableArray<IncrementalGeneratorRunStep>> step in result.TrackedSteps.Where(s => ownSteps.Contains(s.Key)))
        {
            foreach (IncrementalGeneratorRunStep run in step.Value)
            {
                foreach ((object value, IncrementalStepRunReason _) in run.Outputs)
                {
                    Visit(value, step.Key, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }

        static void Visit(object? node, string path, HashSet<object> seen)
        {
            if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum || !seen.Add(node))
            {
                return;
            }

            Assert.False(node is Compilation, $"{path} holds a Compilation");
            Assert.False(node is ISymbol, $"{path} holds an ISymbol");
            Assert.False(node is SyntaxNode, $"{path} holds a SyntaxNode");
            Assert.False(node is SyntaxTree, $"{path} holds a SyntaxTree");
            Assert.False(node is SemanticModel, $"{path} holds a SemanticModel");
            Assert.False(node is Location, $"{path} holds a Location");
            if (node is DiagnosticDescriptor)
            {
                return;
            }

            if (node is IEnumerable sequence)
            {
                foreach (object? item in sequence)
                {
                    Visit(item, path + "[]", seen);
                }
            }

            foreach (FieldInfo field in node.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                Visit(field.GetValue(node), $"{path}.{field.Name}", seen);
            }
        }
    }
}
