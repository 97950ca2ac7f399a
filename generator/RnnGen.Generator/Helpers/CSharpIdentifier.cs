using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generator.Helpers;

/// <summary>
/// Names as generated code must spell them. A symbol's Name is the identifier without its verbatim '@' (the class
/// <c>@event</c> is named "event"), so a name that is a C# keyword must get the '@' back wherever it is written as code;
/// hint names, in turn, must not contain '@' at all (CS8785).
/// </summary>
internal static class CSharpIdentifier
{
    /// <summary>The name as an identifier in code: <c>@event</c> for "event", unchanged for anything that is no keyword.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A dotted name (a namespace as Roslyn displays it, with '@' before keywords) without the '@' marks, for hint names.</summary>
    public static string WithoutVerbatimMarks(string dottedName) => dottedName.Replace("@", string.Empty);
}
