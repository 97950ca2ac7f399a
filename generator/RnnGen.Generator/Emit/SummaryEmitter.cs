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
            string line = name.PadRight(stops[0]) + shape.PadRight(stops[1] - stops[0]) + count;
            text.Append(line.PadRight(stops[2])).Append('\n');
        }

        text.Append("Model: \"").Append(layout.Spec.TypeName).Append("\"\n");
        text.Append('_', 65).Append('\n');
        Row(" Layer (type)", "Output Shape", "Param #");
        text.Append('=', 65).Append('\n');
        Row(" embedding (Embedding)", $"(None, {layout.Spec.SeqLen}, {layout.Spec.Embed})", Count(layout.Embedding.Length));
        text.Append(' ', 65).Append('\n');
        foreach (LayerSpec layer in layout.Spec.Layers)
        {
            string shape = layer.ReturnSequences ? $"(None, {layout.Spec.SeqLen}, {layer.Units})" : $"(None, {layer.Units})";
            Row($" {layer.KerasName} ({layout.Spec.CellTraits.KerasClass})", shape, Count(layer.ParameterCount));
            text.Append(' ', 65).Append('\n');
        }

        Row(" dense (Dense)", $"(None, {layout.Spec.Classes})", Count(((decimal)layout.Spec.Units + 1) * layout.Spec.Classes));
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
