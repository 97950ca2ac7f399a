using System.Globalization;
using System.Text;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>The model's <c>Summary()</c>: Keras' table of layers, output shapes and parameter counts.</summary>
internal static class SummaryEmitter
{
    public static void Emit(SourceWriter writer, ModelLayout layout)
    {
        writer.WriteLine("/// <summary>The Keras-style summary (tf.keras 2.9+ layout): layers, output shapes, parameter counts.</summary>");
        writer.WriteLine("public string Summary() => SummaryText;");
        writer.WriteLine();
        writer.WriteLine("private const string SummaryText =");
        writer.Indentation++;
        string[] lines = Text(layout).TrimEnd('\n').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string literal = "\"" + lines[i].Replace("\\", "\\\\").Replace("\"", "\\\"") + "\\n\"";
            writer.WriteLine(i < lines.Length - 1 ? literal + " +" : literal + ";");
        }

        writer.Indentation--;
    }

    /// <summary>The Keras-style summary table (tf.keras 2.9+ layout, docs/keras-conventions.md, Console output).</summary>
    public static string Text(ModelLayout layout)
    {
        var text = new StringBuilder();
        int[] stops = [29, 55, 65];
        void Row(string name, string shape, string count)
        {
            // tf.keras cuts the first column at 26 characters and prints the rest on the next line (print_row).
            const int NameColumn = 27;
            string rest = name.Length > NameColumn ? name.Substring(NameColumn) : string.Empty;
            name = name.Length > NameColumn ? name.Substring(0, NameColumn) : name;
            string line = name.PadRight(stops[0]) + shape.PadRight(stops[1] - stops[0]) + count;
            text.Append(line.PadRight(stops[2])).Append('\n');
            if (rest.Length > 0)
            {
                text.Append((" " + rest).PadRight(stops[2])).Append('\n');
            }
        }

        text.Append("Model: \"").Append(layout.Spec.TypeName).Append("\"\n");
        text.Append('_', 65).Append('\n');
        Row(" Layer (type)", "Output Shape", "Param #");
        text.Append('=', 65).Append('\n');
        Row(" embedding (Embedding)", $"(None, {layout.Spec.SeqLen}, {layout.Spec.Embed})", Count(layout.Embedding.Length));
        text.Append(' ', 65).Append('\n');
        ModelSpec spec = layout.Spec;
        for (int level = 0; level < spec.LayerCount; level++)
        {
            IReadOnlyList<LayerSpec> copies = layout.LayersOf(level);
            LayerSpec first = copies[0];
            string shape = first.ReturnSequences ? $"(None, {spec.SeqLen}, {spec.OutputWidth})" : $"(None, {spec.OutputWidth})";
            string name = first.Wrapper is null ? $" {first.KerasName} ({spec.CellTraits.KerasClass})" : $" {first.Wrapper} (Bidirectional)";
            Row(name, shape, Count(copies.Sum(static copy => copy.ParameterCount)));
            text.Append(' ', 65).Append('\n');
        }

        Row(" dense (Dense)", $"(None, {spec.Classes})", Count(((decimal)spec.OutputWidth + 1) * spec.Classes));
        text.Append(' ', 65).Append('\n');
        text.Append('=', 65).Append('\n');
        string total = layout.ParameterCount.ToString("N0", CultureInfo.InvariantCulture);
        text.Append("Total params: ").Append(total).Append('\n');
        text.Append("Trainable params: ").Append(total).Append('\n');
        text.Append("Non-trainable params: 0\n");
        text.Append('_', 65).Append('\n');
        return text.ToString();

        static string Count(decimal count) => count.ToString(CultureInfo.InvariantCulture);
    }
}
