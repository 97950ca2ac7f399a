using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>Emits the forward pass: Embedding → stacked cells → Dense, keeping every h_t for backward.</summary>
internal static class ForwardEmitter
{
    public static void Emit(SourceWriter writer, ModelLayout layout, CellEmitter cell)
    {
        ModelSpec spec = layout.Spec;
        using SourceWriter.Block shard = writer.WriteBlock("private sealed partial class Shard");
        writer.WriteLine("/// <summary>Runs the whole forward pass for the shard's rows; leaves their logits in the owner's <c>_logits</c>.</summary>");
        using (writer.WriteBlock("private void Forward(global::System.ReadOnlySpan<int> tokens, int batch)"))
        {
            writer.WriteLine("EmbeddingForward(tokens, batch);");
            for (int level = 0; level < spec.LayerCount; level++)
            {
                foreach (LayerSpec layer in layout.LayersOf(level))
                {
                    writer.WriteLine($"{ModelLayout.LayerMethodStem(layer)}Forward(batch);");
                }

                if (spec.Bidirectional && level < spec.LayerCount - 1)
                {
                    EmitMerge(writer, layout, level);
                }
            }

            writer.WriteLine("DenseForward(batch);");
        }

        if (spec.HasDropout)
        {
            writer.WriteLine();
            writer.WriteLine($"/// <summary>Draws this shard's dropout masks (rates {spec.Dropout.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} input, {spec.RecurrentDropout.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} recurrent): inverted, 0 or 1/(1 − rate), reused at every step.</summary>");
            using (writer.WriteBlock("public void DrawDropoutMasks(global::RnnGen.Initialization.RnnRandom random)"))
            {
                writer.WriteLine("int batch = _rows;");
                foreach (LayerSpec layer in spec.Layers)
                {
                    cell.EmitDrawMasks(writer, layer);
                }
            }
        }

        writer.WriteLine();
        writer.WriteLine($"/// <summary>embedding: x_t[b] = embeddings[tokens[b, t]], gathered time-major into _embedded [{spec.SeqLen}, B, {spec.Embed}].</summary>");
        using (writer.WriteBlock("private void EmbeddingForward(global::System.ReadOnlySpan<int> tokens, int batch)"))
        {
            writer.WriteLine($"var embeddings = new global::System.ReadOnlySpan<float>(_parameters, {layout.Embedding.PropertyName}Offset, {layout.Embedding.PropertyName}Length);");
            // Time outside: the rows are written in the order they lie in _embedded, so each step's slice fills one
            // stretch of memory instead of B rows a step apart (a page apart at Embed 100 and B 64).
            using (writer.WriteBlock("for (int t = 0; t < SeqLen; t++)"))
            {
                writer.WriteLine("var step = new global::System.Span<float>(_embedded, t * batch * Embed, batch * Embed);");
                using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
                {
                    writer.WriteLine("int id = tokens[(b * SeqLen) + t];");
                    writer.WriteLine("embeddings.Slice(id * Embed, Embed).CopyTo(step.Slice(b * Embed, Embed));");
                }
            }

            if (spec.MaskZero)
            {
                writer.WriteLine("global::RnnGen.Kernels.MaskKernels.FillMask(tokens, SeqLen, batch, _mask); // mask_zero: id 0 is padding");
            }

            if (spec.Bidirectional)
            {
                writer.WriteLine("// The backward copies read the sequence (and the mask) in reversed time.");
                writer.WriteLine("global::RnnGen.Kernels.BidirectionalKernels.Reverse(ReadOnlySlice(_embedded, 0, SeqLen * batch * Embed), Slice(_embeddedReversed, 0, SeqLen * batch * Embed), SeqLen, batch * Embed);");
                if (spec.MaskZero)
                {
                    writer.WriteLine("global::RnnGen.Kernels.BidirectionalKernels.Reverse(ReadOnlySlice(_mask, 0, SeqLen * batch), Slice(_maskReversed, 0, SeqLen * batch), SeqLen, batch);");
                }
            }
        }

        foreach (LayerSpec layer in spec.Layers)
        {
            writer.WriteLine();
            writer.WriteLine("/// <summary>");
            if (layer.Wrapper is null)
            {
                writer.WriteLine($"/// {layer.KerasName}: {cell.KerasLayer(layer)}. x: {layout.InputField(layer)} [{spec.SeqLen}, B, {layer.InputSize}];");
            }
            else
            {
                writer.WriteLine($"/// {layer.KerasName}: the {cell.Describe(layer)}.");
                writer.WriteLine($"/// x: {layout.InputField(layer)} [{spec.SeqLen}, B, {layer.InputSize}];");
            }

            writer.WriteLine($"/// W: {layout.Kernel(layer).KerasName} {layout.Kernel(layer).ShapeText}; U: {layout.RecurrentKernel(layer).ShapeText}; b: {layout.Bias(layer).ShapeText}; h: {ModelLayout.HiddenField(layer)} [{spec.SeqLen}, B, {layer.Units}].");
            writer.WriteLine("/// </summary>");
            using (writer.WriteBlock($"private void {ModelLayout.LayerMethodStem(layer)}Forward(int batch)"))
            {
                cell.EmitForward(writer, layout, layer);
            }
        }

        writer.WriteLine();
        var head = new HeadInput(layout);
        if (spec.Softmax)
        {
            EmitSoftmaxDense(writer, layout, head);
            return;
        }

        writer.WriteLine($"/// <summary>dense: logit[b] = h_T[b]·W_d + b_d, from {head.Source}.</summary>");
        using (writer.WriteBlock("private void DenseForward(int batch)"))
        {
            head.EmitGather(writer);
            writer.WriteLine($"var kernel = new global::System.ReadOnlySpan<float>(_parameters, {layout.DenseKernel.PropertyName}Offset, {head.Width});");
            writer.WriteLine($"float bias = _parameters[{layout.DenseBias.PropertyName}Offset];");
            using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
            {
                writer.WriteLine($"var hidden = new global::System.ReadOnlySpan<float>({head.Field}, {head.RowOffset}, {head.Width});");
                writer.WriteLine("_owner._logits[_firstRow + b] = global::RnnGen.Kernels.MatrixOps.Dot(hidden, kernel) + bias;");
            }
        }
    }

    /// <summary>Dense(N): the N logits of every row, z[b] = h_T[b]·W_d + b_d with W_d (d, N).</summary>
    private static void EmitSoftmaxDense(SourceWriter writer, ModelLayout layout, HeadInput head)
    {
        writer.WriteLine($"/// <summary>dense: z[b] = h_T[b]·W_d + b_d, {layout.Spec.Classes} logits per row, from {head.Source}.</summary>");
        using (writer.WriteBlock("private void DenseForward(int batch)"))
        {
            head.EmitGather(writer);
            writer.WriteLine($"var kernel = ReadOnlySlice(_parameters, {layout.DenseKernel.PropertyName}Offset, {layout.DenseKernel.PropertyName}Length);");
            writer.WriteLine($"var bias = ReadOnlySlice(_parameters, {layout.DenseBias.PropertyName}Offset, Classes);");
            using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
            {
                writer.WriteLine($"var hidden = ReadOnlySlice({head.Field}, {head.RowOffset}, {head.Width});");
                writer.WriteLine("global::RnnGen.Kernels.MatrixOps.DenseForward(hidden, kernel, bias, Slice(_owner._logits, (_firstRow + b) * Classes, Classes));");
            }
        }
    }

    /// <summary>After both copies of a Bidirectional level ran: their merged output [f_t | b_t], the next level's input.</summary>
    private static void EmitMerge(SourceWriter writer, ModelLayout layout, int level)
    {
        IReadOnlyList<LayerSpec> copies = layout.LayersOf(level);
        string merged = ModelLayout.MergedField(level);
        string mask = layout.Spec.MaskZero ? "ReadOnlySlice(_mask, 0, SeqLen * batch)" : "default";
        writer.WriteLine($"global::RnnGen.Kernels.BidirectionalKernels.Merge( // {copies[0].Wrapper}: [f_t | b_t] into the next level");
        writer.WriteLine($"    ReadOnlySlice({ModelLayout.HiddenField(copies[0])}, 0, SeqLen * batch * Units), ReadOnlySlice({ModelLayout.HiddenField(copies[1])}, 0, SeqLen * batch * Units),");
        writer.WriteLine($"    {mask},");
        writer.WriteLine($"    Slice({merged}, 0, SeqLen * batch * 2 * Units), Slice({ModelLayout.ReversedField(merged)}, 0, SeqLen * batch * 2 * Units), SeqLen, batch, Units);");
    }
}

/// <summary>
/// Where the Dense head reads its input row by row: the top layer's last step, or with Bidirectional the two copies'
/// last outputs [f_(T−1) | b_0] gathered into <c>_headInput</c> [B, 2u] (each copy's last slot in its own reading order).
/// </summary>
internal sealed class HeadInput
{
    private readonly ModelLayout _layout;

    public HeadInput(ModelLayout layout) => _layout = layout;

    private IReadOnlyList<LayerSpec> Top => _layout.TopLayers;

    private bool Gathered => Top.Count > 1;

    /// <summary>The width d of a row: u, or 2u.</summary>
    public int Width => _layout.Spec.OutputWidth;

    /// <summary>The field the rows are read from.</summary>
    public string Field => Gathered ? "_headInput" : ModelLayout.HiddenField(Top[0]);

    /// <summary>The field d loss / d row is written to.</summary>
    public string GradientField => Gathered ? "_dHeadInput" : ModelLayout.HiddenGradientField(Top[0]);

    /// <summary>The offset of row b (the loop variable) in <see cref="Field"/>; <c>last</c> is the last step's offset.</summary>
    public string RowOffset => Gathered ? $"b * {Width}" : $"last + (b * {Width})";

    /// <summary>What the comments say the head reads.</summary>
    public string Source => Gathered
        ? "_headInput = [f_(T-1) | b_0], the two copies' last outputs"
        : $"the last step of {ModelLayout.HiddenField(Top[0])}";

    /// <summary>Declares <c>last</c>, and with Bidirectional copies the two last outputs side by side into <c>_headInput</c>.</summary>
    public void EmitGather(SourceWriter writer)
    {
        int u = _layout.Spec.Units;
        writer.WriteLine($"int last = (SeqLen - 1) * batch * {u};");
        if (!Gathered)
        {
            return;
        }

        using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
        {
            writer.WriteLine($"ReadOnlySlice({ModelLayout.HiddenField(Top[0])}, last + (b * {u}), {u}).CopyTo(Slice(_headInput, b * {Width}, {u}));");
            writer.WriteLine($"ReadOnlySlice({ModelLayout.HiddenField(Top[1])}, last + (b * {u}), {u}).CopyTo(Slice(_headInput, (b * {Width}) + {u}, {u}));");
        }
    }

    /// <summary>
    /// After d loss / d row is in <see cref="GradientField"/>: clears the steps before the last of the top layers' gradient
    /// buffers (only the last step reaches the head) unless the layer's backward writes them from zero itself
    /// (<see cref="CellEmitter.WritesStateGradientFresh"/>) and, with Bidirectional copies, splits the rows into their last slots.
    /// </summary>
    public void EmitScatter(SourceWriter writer, CellEmitter cell)
    {
        int u = _layout.Spec.Units;
        foreach (LayerSpec layer in Top.Where(layer => !cell.WritesStateGradientFresh(_layout, layer)))
        {
            writer.WriteLine($"Slice({ModelLayout.HiddenGradientField(layer)}, 0, last).Clear();");
        }

        if (!Gathered)
        {
            return;
        }

        using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
        {
            writer.WriteLine($"ReadOnlySlice(_dHeadInput, b * {Width}, {u}).CopyTo(Slice({ModelLayout.HiddenGradientField(Top[0])}, last + (b * {u}), {u}));");
            writer.WriteLine($"ReadOnlySlice(_dHeadInput, (b * {Width}) + {u}, {u}).CopyTo(Slice({ModelLayout.HiddenGradientField(Top[1])}, last + (b * {u}), {u}));");
        }
    }
}
