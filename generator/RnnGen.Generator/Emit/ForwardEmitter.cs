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
            foreach (LayerSpec layer in spec.Layers)
            {
                writer.WriteLine($"{ModelLayout.LayerMethodStem(layer)}Forward(batch);");
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
            using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
            {
                using (writer.WriteBlock("for (int t = 0; t < SeqLen; t++)"))
                {
                    writer.WriteLine("int id = tokens[(b * SeqLen) + t];");
                    writer.WriteLine("embeddings.Slice(id * Embed, Embed).CopyTo(new global::System.Span<float>(_embedded, ((t * batch) + b) * Embed, Embed));");
                }
            }

            if (spec.MaskZero)
            {
                writer.WriteLine("global::RnnGen.Kernels.MaskKernels.FillMask(tokens, SeqLen, batch, _mask); // mask_zero: id 0 is padding");
            }
        }

        foreach (LayerSpec layer in spec.Layers)
        {
            writer.WriteLine();
            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// {layer.KerasName}: {cell.KerasLayer(layer)}. x: {layout.InputField(layer)} [{spec.SeqLen}, B, {layer.InputSize}];");
            writer.WriteLine($"/// W: {layout.Kernel(layer).KerasName} {layout.Kernel(layer).ShapeText}; U: {layout.RecurrentKernel(layer).ShapeText}; b: {layout.Bias(layer).ShapeText}; h: {ModelLayout.HiddenField(layer)} [{spec.SeqLen}, B, {layer.Units}].");
            writer.WriteLine("/// </summary>");
            using (writer.WriteBlock($"private void {ModelLayout.LayerMethodStem(layer)}Forward(int batch)"))
            {
                cell.EmitForward(writer, layout, layer);
            }
        }

        LayerSpec top = layout.TopLayer;
        writer.WriteLine();
        if (spec.Softmax)
        {
            EmitSoftmaxDense(writer, layout, top);
            return;
        }

        writer.WriteLine($"/// <summary>dense: logit[b] = h_T[b]·W_d + b_d, from the last step of {ModelLayout.HiddenField(top)}.</summary>");
        using (writer.WriteBlock("private void DenseForward(int batch)"))
        {
            writer.WriteLine($"int last = (SeqLen - 1) * batch * {top.Units};");
            writer.WriteLine($"var kernel = new global::System.ReadOnlySpan<float>(_parameters, {layout.DenseKernel.PropertyName}Offset, {top.Units});");
            writer.WriteLine($"float bias = _parameters[{layout.DenseBias.PropertyName}Offset];");
            using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
            {
                writer.WriteLine($"var hidden = new global::System.ReadOnlySpan<float>({ModelLayout.HiddenField(top)}, last + (b * {top.Units}), {top.Units});");
                writer.WriteLine("_owner._logits[_firstRow + b] = global::RnnGen.Kernels.MatrixOps.Dot(hidden, kernel) + bias;");
            }
        }
    }

    /// <summary>Dense(N): the N logits of every row, z[b] = h_T[b]·W_d + b_d with W_d (u, N).</summary>
    private static void EmitSoftmaxDense(SourceWriter writer, ModelLayout layout, LayerSpec top)
    {
        int u = top.Units;
        writer.WriteLine($"/// <summary>dense: z[b] = h_T[b]·W_d + b_d, {layout.Spec.Classes} logits per row, from the last step of {ModelLayout.HiddenField(top)}.</summary>");
        using (writer.WriteBlock("private void DenseForward(int batch)"))
        {
            writer.WriteLine($"int last = (SeqLen - 1) * batch * {u};");
            writer.WriteLine($"var kernel = ReadOnlySlice(_parameters, {layout.DenseKernel.PropertyName}Offset, {layout.DenseKernel.PropertyName}Length);");
            writer.WriteLine($"var bias = ReadOnlySlice(_parameters, {layout.DenseBias.PropertyName}Offset, Classes);");
            using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
            {
                writer.WriteLine($"var hidden = ReadOnlySlice({ModelLayout.HiddenField(top)}, last + (b * {u}), {u});");
                writer.WriteLine("global::RnnGen.Kernels.MatrixOps.DenseForward(hidden, kernel, bias, Slice(_owner._logits, (_firstRow + b) * Classes, Classes));");
            }
        }
    }
}
