using System.Globalization;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>Writes the <c>// Model:</c> comment that opens every generated file: layers, cell equations, buffer shapes.</summary>
internal static class HeaderEmitter
{
    public static void Emit(SourceWriter writer, ModelLayout layout, CellEmitter cell)
    {
        ModelSpec spec = layout.Spec;
        writer.WriteLine($"// Model: {spec.TypeName}, a Keras Sequential of");
        writer.WriteLine($"//   embedding{Pad("embedding")}Embedding({spec.Vocab}, {spec.Embed}) -> (batch, {spec.SeqLen}, {spec.Embed})");
        foreach (LayerSpec layer in spec.Layers)
        {
            string output = layer.ReturnSequences ? $"(batch, {spec.SeqLen}, {layer.Units})" : $"(batch, {layer.Units})";
            writer.WriteLine($"//   {layer.KerasName}{Pad(layer.KerasName)}{cell.KerasLayer(layer)} -> {output}");
        }

        string head = spec.Softmax ? "softmax" : "sigmoid";
        writer.WriteLine($"//   dense{Pad("dense")}Dense({spec.Classes}) -> {head} -> (batch, {spec.Classes})");
        foreach (string line in cell.Equations)
        {
            writer.WriteLine($"// {line}");
        }

        writer.WriteLine($"// Parameters: {layout.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} floats in one buffer, in Keras weight order:");
        int offsetWidth = layout.ParameterCount.ToString(CultureInfo.InvariantCulture).Length;
        int nameWidth = layout.Tensors.Max(static t => t.KerasName.Length);
        foreach (TensorLayout tensor in layout.Tensors)
        {
            string range = $"[{tensor.Offset.ToString(CultureInfo.InvariantCulture).PadLeft(offsetWidth)}, {(tensor.Offset + tensor.Length).ToString(CultureInfo.InvariantCulture).PadLeft(offsetWidth)})";
            writer.WriteLine($"//   {range} {tensor.KerasName.PadRight(nameWidth)} {tensor.ShapeText.PadRight(12)} {Describe(tensor.Initializer)}");
        }

        writer.WriteLine("// Batch buffers (B = batch size; sequences are time-major, row t·B + b of a [SeqLen, B, width] buffer):");
        writer.WriteLine($"//   _embedded, _dEmbedded  [{spec.SeqLen}, B, {spec.Embed}]");
        foreach (LayerSpec layer in spec.Layers)
        {
            writer.WriteLine($"//   {ModelLayout.HiddenField(layer)}, {ModelLayout.HiddenGradientField(layer)}    [{spec.SeqLen}, B, {layer.Units}]  h_t and dL/dh_t of {layer.KerasName}");
            foreach (BufferSpec buffer in cell.AllBuffers(layer))
            {
                string shape = buffer.PerStep ? $"[B, {buffer.Width}]" : $"[{spec.SeqLen}, B, {buffer.Width}]";
                writer.WriteLine($"//   {buffer.Field.PadRight(21)} {shape}  {buffer.Description}");
            }
        }

        writer.WriteLine(spec.Softmax ? $"//   _logits, _dLogits      [B, {spec.Classes}]" : "//   _logits, _dLogits      [B]");
        writer.WriteLine($"// Unrolled: every size is a constant and each row of a matrix product lives in vector registers");
        writer.WriteLine($"// ({string.Join(", ", KernelsFileEmitter.KernelsOf(spec, cell).Widths.Select(KernelEmitter.KernelName))}); the time loop is {(spec.Unroll ? $"fully unrolled into {spec.SeqLen} steps (Unroll = true)" : "a loop (Unroll = false)")}.");
    }

    private static string Pad(string name) => new(' ', Math.Max(2, 14 - name.Length));

    private static string Describe(InitializerKind initializer) => initializer switch
    {
        InitializerKind.EmbeddingUniform => "uniform(-0.05, 0.05)",
        InitializerKind.GlorotUniform => "glorot_uniform",
        InitializerKind.Orthogonal => "orthogonal",
        _ => "zeros",
    };
}
