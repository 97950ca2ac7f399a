using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Snapshot checks with Verify's conventions (Verify itself is not served by this registry): each generated file is
/// compared with the committed <c>Snapshots/{Test}#{hint}.verified.cs</c>; a mismatch writes
/// <c>{Test}#{hint}.received.cs</c> beside it and fails with the first difference. Set
/// <c>RNNGEN_ACCEPT_SNAPSHOTS=1</c> to accept: received output then replaces the verified files.
/// The generator version is scrubbed so that a version bump does not churn every snapshot.
/// </summary>
internal static partial class Snapshot
{
    public static void Verify(GeneratorDriverRunResult result, [CallerMemberName] string test = "", [CallerFilePath] string callerPath = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
        string className = Path.GetFileNameWithoutExtension(callerPath);
        string prefix = $"{className}.{test}#";
        bool accept = Environment.GetEnvironmentVariable("RNNGEN_ACCEPT_SNAPSHOTS") == "1";
        var failures = new List<string>();
        var produced = new HashSet<string>(StringComparer.Ordinal);

        foreach (GeneratedSourceResult source in result.Results.SelectMany(static r => r.GeneratedSources))
        {
            string hint = Path.GetFileNameWithoutExtension(source.HintName); // X.Model.g.cs -> X.Model.g
            string verifiedPath = Path.Combine(folder, $"{prefix}{hint}.verified.cs");
            string receivedPath = Path.Combine(folder, $"{prefix}{hint}.received.cs");
            produced.Add(Path.GetFileName(verifiedPath));
            string actual = Scrub(source.SourceText.ToString());
            string? expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
            if (expected == actual)
            {
                File.Delete(receivedPath);
                continue;
            }

            if (accept)
            {
                File.WriteAllText(verifiedPath, actual, new UTF8Encoding(false));
                File.Delete(receivedPath);
                continue;
            }

            File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
            failures.Add(expected is null
                ? $"{Path.GetFileName(verifiedPath)} does not exist; review {Path.GetFileName(receivedPath)}"
                : $"{Path.GetFileName(verifiedPath)} differs: {FirstDifference(expected, actual)}");
        }

        foreach (string stale in Directory.EnumerateFiles(folder, prefix + "*.verified.cs").Select(static p => Path.GetFileName(p)).Where(f => !produced.Contains(f)))
        {
            if (accept)
            {
                File.Delete(Path.Combine(folder, stale));
            }
            else
            {
                failures.Add($"{stale} was not produced any more");
            }
        }

        Assert.True(failures.Count == 0, "Snapshot mismatch (set RNNGEN_ACCEPT_SNAPSHOTS=1 to accept):\n" + string.Join("\n", failures));
    }

    private static string Scrub(string source) =>
        VersionPattern().Replace(Normalize(source), "\"RnnGen.Generator\", \"<version>\"");

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');

    private static string FirstDifference(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? e = i < expectedLines.Length ? expectedLines[i] : null;
            string? a = i < actualLines.Length ? actualLines[i] : null;
            if (e != a)
            {
                return $"line {i + 1}\n  verified: {e ?? "<end of file>"}\n  received: {a ?? "<end of file>"}";
            }
        }

        return "whitespace only";
    }

    [GeneratedRegex("\"RnnGen\\.Generator\", \"[0-9.]+\"")]
    private static partial Regex VersionPattern();
}
