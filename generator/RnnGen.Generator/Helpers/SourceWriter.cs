using System.Text;

namespace RnnGen.Generator.Helpers;

/// <summary>
/// An indenting writer for generated C#. Blocks are opened with <see cref="WriteBlock"/> and closed by disposing the
/// returned scope, so the emitters never build indentation strings by hand.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";

    /// <summary>The widest line a reviewer reads without scrolling; a longer call statement gets one argument per line.</summary>
    public const int ReviewWidth = 150;
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public int Indentation
    {
        get => _indentation;
        set => _indentation = value < 0 ? throw new ArgumentOutOfRangeException(nameof(value)) : value;
    }

    public SourceWriter WriteLine(string text)
    {
        if (text.Length == 0)
        {
            _builder.Append('\n');
            return this;
        }

        foreach (string line in text.Split('\n').SelectMany(l => WrapLongCall(l, (_indentation * IndentUnit.Length) + l.Length)))
        {
            if (line.Length > 0)
            {
                for (int i = 0; i < _indentation; i++)
                {
                    _builder.Append(IndentUnit);
                }

                _builder.Append(line);
            }

            _builder.Append('\n');
        }

        return this;
    }

    public SourceWriter WriteLine() => WriteLine(string.Empty);

    /// <summary>
    /// A statement <c>...Call(a, b, c);</c> wider than <see cref="ReviewWidth"/> as the call's opening line and one argument
    /// per line; any other line as it is. Commas inside parentheses, brackets, braces or string literals do not split.
    /// </summary>
    private static IEnumerable<string> WrapLongCall(string line, int width)
    {
        string trimmed = line.TrimStart();
        if (width <= ReviewWidth || !trimmed.EndsWith(");", StringComparison.Ordinal) || trimmed.StartsWith("//", StringComparison.Ordinal))
        {
            return [line];
        }

        string indent = line.Substring(0, line.Length - trimmed.Length);
        int open = OpeningParenthesisOfLastCall(trimmed);
        if (open < 0)
        {
            return [line];
        }

        var lines = new List<string> { indent + trimmed.Substring(0, open + 1) };
        List<string> arguments = SplitArguments(trimmed.Substring(open + 1, trimmed.Length - open - 3));
        for (int i = 0; i < arguments.Count; i++)
        {
            lines.Add(indent + IndentUnit + arguments[i] + (i < arguments.Count - 1 ? "," : ");"));
        }

        return lines;
    }

    /// <summary>The index of the '(' whose ')' ends the statement, or -1.</summary>
    private static int OpeningParenthesisOfLastCall(string statement)
    {
        int depth = 0;
        for (int i = statement.Length - 2; i >= 0; i--)
        {
            char c = statement[i];
            if (c == '"')
            {
                return -1; // a string literal among the arguments: leave the line alone
            }

            if (c == ')')
            {
                depth++;
            }
            else if (c == '(' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static List<string> SplitArguments(string arguments)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < arguments.Length; i++)
        {
            switch (arguments[i])
            {
                case '(' or '[' or '{' or '<':
                    depth++;
                    break;
                case ')' or ']' or '}' or '>':
                    depth--;
                    break;
                case ',' when depth == 0:
                    parts.Add(arguments.Substring(start, i - start).Trim());
                    start = i + 1;
                    break;
            }
        }

        parts.Add(arguments.Substring(start).Trim());
        return parts;
    }

    /// <summary>Writes <paramref name="header"/> (if any), an opening brace, and indents until the scope is disposed.</summary>
    public Block WriteBlock(string? header = null, string closing = "}")
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        WriteLine("{");
        _indentation++;
        return new Block(this, closing);
    }

    public override string ToString() => _builder.ToString();

    internal readonly struct Block(SourceWriter writer, string closing) : IDisposable
    {
        public void Dispose()
        {
            writer._indentation--;
            writer.WriteLine(closing);
        }
    }
}
