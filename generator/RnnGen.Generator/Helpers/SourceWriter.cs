using System.Text;

namespace RnnGen.Generator.Helpers;

/// <summary>
/// An indenting writer for generated C#. Blocks are opened with <see cref="WriteBlock"/> and closed by disposing the
/// returned scope, so the emitters never build indentation strings by hand.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
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

        foreach (string line in text.Split('\n'))
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
