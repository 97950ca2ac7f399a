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
        for (int level = 0; level < spec.LayerCount; level++)
        {
            IReadOnlyList<LayerSpec> copies = layout.LayersOf(level);
            LayerSpec first = copies[0];
            string output = first.ReturnSequences ? $"(batch, {spec.SeqLen}, {spec.OutputWidth})" : $"(batch, {spec.OutputWidth})";
            if (first.Wrapper is null)
            {
                writer.WriteLine($"//   {first.KerasName}{Pad(first.KerasName)}{cell.KerasLayer(first)} -> {output}");
                continue;
            }

            writer.WriteLine($"//   {first.Wrapper}{Pad(first.Wrapper)}Bidirectional({cell.KerasLayer(first)}) -> {output}, [f | b] concatenated");
            foreach (LayerSpec copy in copies)
            {
                writer.WriteLine($"//     {copy.KerasName}: {(copy.GoBackwards ? "go_backwards=True, outputs re-aligned in time" : "forward")}");
            }
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
                (string shape, string note) = buffer switch
                {
                    { PerStep: true } => ($"[B, {buffer.Width}]", string.Empty),
                    { BackwardChunk: true } when !spec.Unroll => ($"[chunk, B, {buffer.Width}]", " of one backward chunk of steps, reused"),
                    _ => ($"[{spec.SeqLen}, B, {buffer.Width}]", string.Empty),
                };
                writer.WriteLine($"//   {buffer.Field.PadRight(21)} {shape}  {buffer.Description}{note}");
            }
        }

        if (spec.Bidirectional)
        {
            writer.WriteLine("//   ...Reversed            a sequence in reversed time: what a backward copy reads (its own t = 0 is the last step)");
            writer.WriteLine($"//   _merged<l>, _dMerged<l> [{spec.SeqLen}, B, {spec.OutputWidth}]  level l's output [f_t | b_t], the next level's input");
            writer.WriteLine($"//   _headInput, _dHeadInput [B, {spec.OutputWidth}]  [f_(T-1) | b_0] into the Dense head");
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
