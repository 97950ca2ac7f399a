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
        LayerSpec top = layout.TopLayer;
        string embeddingOffset = layout.Embedding.PropertyName + "Offset";
        string embeddingLength = layout.Embedding.PropertyName + "Length";

        writer.WriteLine("/// <summary>Wᵀ and Uᵀ of every layer, so that dx = da·Wᵀ and dh = da·Uᵀ are row-times-matrix products.</summary>");
        using (writer.WriteBlock("private void TransposeWeights()"))
        {
            foreach (LayerSpec layer in spec.Layers)
            {
                TensorLayout kernel = layout.Kernel(layer);
                TensorLayout recurrent = layout.RecurrentKernel(layer);
                writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.Transpose(new global::System.ReadOnlySpan<float>(_parameters, {kernel.PropertyName}Offset, {kernel.PropertyName}Length), {kernel.Rows}, {kernel.Columns}, _kernelT{layer.Index});");
                writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.Transpose(new global::System.ReadOnlySpan<float>(_parameters, {recurrent.PropertyName}Offset, {recurrent.PropertyName}Length), {recurrent.Rows}, {recurrent.Columns}, _recurrentT{layer.Index});");
            }
        }

        writer.WriteLine();
        using SourceWriter.Block shard = writer.WriteBlock("private sealed partial class Shard");
        writer.WriteLine("/// <summary>Backpropagation through time from <c>_dLogits</c> = dL/dlogit; leaves every gradient in <c>_gradients</c>.</summary>");
        using (writer.WriteBlock("private void Backward(global::System.ReadOnlySpan<int> tokens, int batch)"))
        {
            writer.WriteLine("ClearGradients();");
            writer.WriteLine("DenseBackward(batch);");
            for (int i = spec.LayerCount - 1; i >= 0; i--)
            {
                writer.WriteLine($"{ModelLayout.LayerMethodStem(spec.Layers[i])}Backward(batch);");
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

        string hTop = ModelLayout.HiddenField(top);
        string dhTop = ModelLayout.HiddenGradientField(top);
        writer.WriteLine();
        writer.WriteLine("/// <summary>");
        writer.WriteLine("/// dense: with dz = dL/dlogit, dW_d += Σ_b h_T[b]ᵀ·dz[b], db_d += Σ_b dz[b], and dL/dh_T[b] = dz[b]·W_dᵀ.");
        writer.WriteLine($"/// Only h_T reaches the Dense layer, so the other steps of {dhTop} start at zero.");
        writer.WriteLine("/// </summary>");
        using (writer.WriteBlock("private void DenseBackward(int batch)"))
        {
            if (spec.Softmax)
            {
                EmitSoftmaxDenseBody(writer, layout, top);
            }
            else
            {
                writer.WriteLine($"int last = (SeqLen - 1) * batch * {top.Units};");
                writer.WriteLine($"new global::System.Span<float>({dhTop}, 0, last).Clear();");
                writer.WriteLine($"var kernel = new global::System.ReadOnlySpan<float>(_parameters, {layout.DenseKernel.PropertyName}Offset, {top.Units});");
                writer.WriteLine($"var dKernel = new global::System.Span<float>(_gradients, {layout.DenseKernel.PropertyName}Offset, {top.Units});");
                writer.WriteLine("float dBias = 0;");
                using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
                {
                    writer.WriteLine("float dz = _owner._dLogits[_firstRow + b];");
                    writer.WriteLine($"int row = last + (b * {top.Units});");
                    writer.WriteLine($"global::System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(new global::System.ReadOnlySpan<float>({hTop}, row, {top.Units}), dz, dKernel, dKernel);");
                    writer.WriteLine($"global::System.Numerics.Tensors.TensorPrimitives.Multiply(kernel, dz, new global::System.Span<float>({dhTop}, row, {top.Units}));");
                    writer.WriteLine("dBias += dz;");
                }

                writer.WriteLine($"_gradients[{layout.DenseBias.PropertyName}Offset] += dBias;");
            }
        }

        for (int i = spec.LayerCount - 1; i >= 0; i--)
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
    private static void EmitSoftmaxDenseBody(SourceWriter writer, ModelLayout layout, LayerSpec top)
    {
        int u = top.Units;
        string hTop = ModelLayout.HiddenField(top);
        string dhTop = ModelLayout.HiddenGradientField(top);
        string kernel = layout.DenseKernel.PropertyName;
        writer.WriteLine($"int last = (SeqLen - 1) * batch * {u};");
        writer.WriteLine($"Slice({dhTop}, 0, last).Clear();");
        writer.WriteLine($"var kernel = ReadOnlySlice(_parameters, {kernel}Offset, {kernel}Length);");
        writer.WriteLine($"var dKernel = Slice(_gradients, {kernel}Offset, {kernel}Length);");
        writer.WriteLine($"var dBias = Slice(_gradients, {layout.DenseBias.PropertyName}Offset, Classes);");
        using (writer.WriteBlock("for (int b = 0; b < batch; b++)"))
        {
            writer.WriteLine($"int row = last + (b * {u});");
            writer.WriteLine("var dLogits = ReadOnlySlice(_owner._dLogits, (_firstRow + b) * Classes, Classes);");
            writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.DenseBackward(ReadOnlySlice({hTop}, row, {u}), dLogits, kernel, dKernel, dBias, Slice({dhTop}, row, {u}));");
        }
    }
}
