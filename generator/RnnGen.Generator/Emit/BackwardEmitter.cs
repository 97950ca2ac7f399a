using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Emits backpropagation through time, in the reverse order of forward (Dense, top cell … first cell, Embedding), with
/// gradients accumulated into the flat gradient buffer. Only the embedding rows a batch used are cleared and written.
/// </summary>
internal static class BackwardEmitter
{
    public static void Emit(SourceWriter writer, ModelLayout layout, CellEmitter cell)
    {
        ModelSpec spec = layout.Spec;
        var head = new HeadInput(layout);
        string embeddingOffset = layout.Embedding.PropertyName + "Offset";
        string embeddingLength = layout.Embedding.PropertyName + "Length";

        writer.WriteLine("/// <summary>Wᵀ and Uᵀ of every layer, so that dx = da·Wᵀ and dh = da·Uᵀ are row-times-matrix products.</summary>");
        using (writer.WriteBlock("private void TransposeWeights()"))
        {
            foreach (LayerSpec layer in spec.Layers)
            {
                TensorLayout kernel = layout.Kernel(layer);
                TensorLayout recurrent = layout.RecurrentKernel(layer);
                writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.Transpose(ReadOnlySlice(_parameters, {kernel.PropertyName}Offset, {kernel.PropertyName}Length), {kernel.Rows}, {kernel.Columns}, _kernelT{layer.Index});");
                writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.Transpose(ReadOnlySlice(_parameters, {recurrent.PropertyName}Offset, {recurrent.PropertyName}Length), {recurrent.Rows}, {recurrent.Columns}, _recurrentT{layer.Index});");
            }
        }

        writer.WriteLine();
        using SourceWriter.Block shard = writer.WriteBlock("private sealed partial class Shard");
        writer.WriteLine("/// <summary>Backpropagation through time from <c>_dLogits</c> = dL/dlogit; leaves every gradient in <c>_gradients</c>.</summary>");
        using (writer.WriteBlock("private void Backward(global::System.ReadOnlySpan<int> tokens, int batch)"))
        {
            writer.WriteLine("ClearGradients();");
            writer.WriteLine("DenseBackward(batch);");
            for (int level = spec.LayerCount - 1; level >= 0; level--)
            {
                foreach (LayerSpec layer in layout.LayersOf(level).Reverse())
                {
                    writer.WriteLine($"{ModelLayout.LayerMethodStem(layer)}Backward(batch);");
                }

                if (spec.Bidirectional)
                {
                    EmitSplit(writer, layout, level);
                }
            }

            writer.WriteLine("EmbeddingBackward(tokens, batch);");
        }

        writer.WriteLine();
        writer.WriteLine("/// <summary>Zeroes the gradients but the embedding table's, whose rows the embedding backward overwrites on first use.</summary>");
        using (writer.WriteBlock("private void ClearGradients()"))
        {
            writer.WriteLine($"new global::System.Span<float>(_gradients, {embeddingLength}, ParameterCount - {embeddingLength}).Clear();");
            writer.WriteLine("_usedRows.Reset(); // only the rows this batch uses are read by the reduction");
        }

        writer.WriteLine();
        writer.WriteLine("/// <summary>");
        writer.WriteLine("/// dense: with dz = dL/dlogit, dW_d += Σ_b h_T[b]ᵀ·dz[b], db_d += Σ_b dz[b], and dL/dh_T[b] = dz[b]·W_dᵀ.");
        writer.WriteLine($"/// Only h_T reaches the Dense layer, so the other steps of {string.Join(" and ", layout.TopLayers.Select(ModelLayout.HiddenGradientField))} start at zero.");
        writer.WriteLine("/// </summary>");
        using (writer.WriteBlock("private void DenseBackward(int batch)"))
        {
            if (spec.Softmax)
            {
                EmitSoftmaxDenseBody(writer, layout, head, cell);
            }
            else
            {
                string kernel = layout.DenseKernel.PropertyName;
                writer.WriteLine($"int last = (SeqLen - 1) * batch * {spec.Units};");
                writer.WriteLine($"var kernel = new global::System.ReadOnlySpan<float>(_parameters, {kernel}Offset, {head.Width});");
                writer.WriteLine($"var dKernel = new global::System.Span<float>(_gradients, {kernel}Offset, {head.Width});");
                writer.WriteLine("float dBias = 0;");
                using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
                {
                    writer.WriteLine("float dz = _owner._dLogits[_firstRow + b];");
                    writer.WriteLine($"int row = {head.RowOffset};");
                    writer.WriteLine($"global::System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(new global::System.ReadOnlySpan<float>({head.Field}, row, {head.Width}), dz, dKernel, dKernel);");
                    writer.WriteLine($"global::System.Numerics.Tensors.TensorPrimitives.Multiply(kernel, dz, new global::System.Span<float>({head.GradientField}, row, {head.Width}));");
                    writer.WriteLine("dBias += dz;");
                }

                writer.WriteLine($"_gradients[{layout.DenseBias.PropertyName}Offset] += dBias;");
                head.EmitScatter(writer, cell);
            }
        }

        for (int i = spec.Layers.Count - 1; i >= 0; i--)
        {
            LayerSpec layer = spec.Layers[i];
            writer.WriteLine();
            writer.WriteLine($"/// <summary>{layer.KerasName}: backpropagation through all {spec.SeqLen} steps of {cell.KerasLayer(layer)}.</summary>");
            using (writer.WriteBlock($"private void {ModelLayout.LayerMethodStem(layer)}Backward(int batch)"))
            {
                cell.EmitBackward(writer, layout, layer);
            }
        }

        writer.WriteLine();
        writer.WriteLine("/// <summary>embedding: dL/dembeddings[id] = Σ of dL/dx_t[b] over the (b, t) with tokens[b, t] = id; only those rows are written.</summary>");
        using (writer.WriteBlock("private void EmbeddingBackward(global::System.ReadOnlySpan<int> tokens, int batch)"))
        {
            writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.AddEmbeddingRows(tokens, SeqLen, batch, new global::System.ReadOnlySpan<float>(_dEmbedded, 0, SeqLen * batch * Embed), new global::System.Span<float>(_gradients, {embeddingOffset}, Vocab * Embed), Embed, _usedRows);");
        }
    }

    /// <summary>Dense(N), row by row: dW_d += h_T[b]ᵀ·dz[b], db_d += dz[b], dL/dh_T[b] = dz[b]·W_dᵀ.</summary>
    private static void EmitSoftmaxDenseBody(SourceWriter writer, ModelLayout layout, HeadInput head, CellEmitter cell)
    {
        string kernel = layout.DenseKernel.PropertyName;
        writer.WriteLine($"int last = (SeqLen - 1) * batch * {layout.Spec.Units};");
        writer.WriteLine($"var kernel = ReadOnlySlice(_parameters, {kernel}Offset, {kernel}Length);");
        writer.WriteLine($"var dKernel = Slice(_gradients, {kernel}Offset, {kernel}Length);");
        writer.WriteLine($"var dBias = Slice(_gradients, {layout.DenseBias.PropertyName}Offset, Classes);");
        using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
        {
            writer.WriteLine($"int row = {head.RowOffset};");
            writer.WriteLine("var dLogits = ReadOnlySlice(_owner._dLogits, (_firstRow + b) * Classes, Classes);");
            writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.DenseBackward(ReadOnlySlice({head.Field}, row, {head.Width}), dLogits, kernel, dKernel, dBias, Slice({head.GradientField}, row, {head.Width}));");
        }

        head.EmitScatter(writer, cell);
    }

    /// <summary>
    /// After both copies of a Bidirectional level ran backward: level 0's reversed embedding gradient is added into the
    /// time-order one; above it, the gradients of the merged output go back to the two copies of the level below.
    /// </summary>
    private static void EmitSplit(SourceWriter writer, ModelLayout layout, int level)
    {
        if (level == 0)
        {
            writer.WriteLine("global::RnnGen.Kernels.BidirectionalKernels.AddReversed(ReadOnlySlice(_dEmbeddedReversed, 0, SeqLen * batch * Embed), Slice(_dEmbedded, 0, SeqLen * batch * Embed), SeqLen, batch * Embed);");
            return;
        }

        IReadOnlyList<LayerSpec> below = layout.LayersOf(level - 1);
        string dMerged = ModelLayout.MergedGradientField(level - 1);
        writer.WriteLine($"global::RnnGen.Kernels.BidirectionalKernels.SplitGradient( // {below[0].Wrapper}: d[f_t | b_t] to its two copies");
        writer.WriteLine($"    ReadOnlySlice({dMerged}, 0, SeqLen * batch * 2 * Units), ReadOnlySlice({ModelLayout.ReversedField(dMerged)}, 0, SeqLen * batch * 2 * Units),");
        writer.WriteLine($"    Slice({ModelLayout.HiddenGradientField(below[0])}, 0, SeqLen * batch * Units), Slice({ModelLayout.HiddenGradientField(below[1])}, 0, SeqLen * batch * Units), SeqLen, batch, Units);");
    }
}
