using System.Globalization;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// Keras <c>LSTM</c>, gates [i | f | c | o]: z = x·W + h·U + b, i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o),
/// c_t = f⊙c_(t−1) + i⊙g, h_t = o⊙tanh(c_t).
/// </summary>
internal sealed class LstmCellEmitter(ModelSpec spec) : CellEmitter(spec)
{
    public override IReadOnlyList<string> Equations =>
    [
        $"Cell: LSTM, gates [i | f | c | o] = x_t·W + h_(t-1)·U + b; i, f, o = {RecurrentActivationName}, g = tanh;",
        "  c_t = f⊙c_(t-1) + i⊙g, h_t = o⊙tanh(c_t), h_(-1) = c_(-1) = 0; top layer's h_T -> logit = h_T·W_d + b_d.",
        "Backward: dc = dL/dc_t + dh⊙o⊙(1 − tanh²c_t); dz = [dc⊙g⊙i', dc⊙c_(t-1)⊙f', dc⊙i⊙(1 − g²), dh⊙tanh(c_t)⊙o'];",
        "  dL/dc_(t-1) = dc⊙f, dL/dh_(t-1) += dz·Uᵀ; dW = Σ x_tᵀ·dz_t, dU = Σ h_(t-1)ᵀ·dz_t, db = Σ dz_t, dx_t = dz_t·Wᵀ.",
    ];

    public override string KerasLayer(LayerSpec layer) =>
        $"LSTM({layer.Units}{(Spec.RecurrentActivation == RecurrentActivationKind.HardSigmoid ? ", recurrent_activation=hard_sigmoid" : string.Empty)}{(layer.ReturnSequences ? ", return_sequences=True" : string.Empty)})";

    public override IEnumerable<BufferSpec> Buffers(LayerSpec layer)
    {
        yield return new BufferSpec($"_gates{layer.Index}", layer.GateWidth, PerStep: false, "activated gates [i, f, g, o]");
        yield return new BufferSpec($"_cell{layer.Index}", layer.Units, PerStep: false, "c_t");
        yield return new BufferSpec($"_cellTanh{layer.Index}", layer.Units, PerStep: false, "tanh(c_t)");
        yield return new BufferSpec($"_dGates{layer.Index}", layer.GateWidth, PerStep: false, "dL/dz_t", BackwardChunk: true);
        yield return new BufferSpec($"_dCell{layer.Index}", layer.Units, PerStep: true, "dL/dc_t of the step in progress");
        if (Spec.MaskZero)
        {
            yield return new BufferSpec($"_dCellMasked{layer.Index}", layer.Units, PerStep: true, "dL/dc_t of the padded rows, set aside");
        }
    }

    public override void EmitForward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index;
        int u = layer.Units;
        int width = layer.GateWidth;
        string h = ModelLayout.HiddenField(layer);
        EmitStepSizes(writer, layer, "h and c");
        EmitDropoutPrologue(writer, layout, layer);
        EmitForwardSteps(writer, layout, layer, $"_gates{i}", "gateStep", () =>
        {
            writer.WriteLine("// t = 0: h_(-1) = c_(-1) = 0, so the gates are x_0·W + b alone.");
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.LstmForward({SpanOf($"_gates{i}", "0", "gateStep")}, default, {SpanOf($"_cell{i}", "0", "step")}, _training ? {SpanOf($"_cellTanh{i}", "0", "step")} : default, {SpanOf(h, "0", "step")}, {u}, {HardSigmoidArgument});");
            EmitCarryMasked(writer, layer, "0", $"_cell{i}");
            EmitCarryMasked(writer, layer, "0", h);
        }, t =>
        {
            using (UnlessAllPadding(writer, layer, t))
            {
                EmitMaskRecurrentState(writer, layer, t);
                EmitRecurrentProduct(writer, layout, layer, t, 0, width, $"_gates{i}", GateRow(t), Invariant(width), $"_gates{i}", GateRow(t));
                writer.WriteLine($"global::RnnGen.Kernels.CellKernels.LstmForward({SpanOf($"_gates{i}", GateRow(t), "gateStep")}, {SpanOf($"_cell{i}", $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf($"_cell{i}", $"{t} * step", "step")}, _training ? {SpanOf($"_cellTanh{i}", $"{t} * step", "step")} : default, {SpanOf(h, $"{t} * step", "step")}, {u}, {HardSigmoidArgument});");
            }

            EmitCarryMasked(writer, layer, t, $"_cell{i}");
            EmitCarryMasked(writer, layer, t, h);
        });
    }

    protected override bool CanWriteStateGradientFresh => true; // dz_t·Uᵀ from zeros

    public override void EmitBackward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index;
        int u = layer.Units;
        int width = layer.GateWidth;
        string h = ModelLayout.HiddenField(layer);
        string dh = ModelLayout.HiddenGradientField(layer);
        EmitStepSizes(writer, layer, "h and c");
        writer.WriteLine($"{SpanOf($"_dCell{i}", "0", "step")}.Clear(); // dL/dc_T = 0: the cell state leaves only through h");
        writer.WriteLine("// Through time, last step first: dz_t from the gates, then dL/dh_(t-1) += dz_t·Uᵀ.");
        EmitBackwardSteps(writer, layout, layer, $"_dGates{i}", step: t =>
        {
            EmitPassThroughMasked(writer, layer, t);
            using (BackwardUnlessAllPadding(writer, layer, t, $"_dGates{i}"))
            {
                EmitTakeMaskedCell(writer, layer, t);
                writer.WriteLine($"global::RnnGen.Kernels.CellKernels.LstmBackward({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf($"_cell{i}", $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf($"_cellTanh{i}", $"{t} * step", "step", readOnly: true)}, {SpanOf(dh, $"{t} * step", "step", readOnly: true)}, {SpanOf($"_dCell{i}", "0", "step")}, {SpanOf($"_dGates{i}", GateGradientRow(t), "gateStep")}, {u}, {HardSigmoidArgument});");
                EmitMaskedCellEpilogue(writer, layer, t);
                EmitRecurrentStateGradient(writer, layer, t, $"_dGates{i}", 0, width, fresh: WritesStateGradientFresh(layout, layer));
            }
        }, firstStep: () =>
        {
            EmitPassThroughMasked(writer, layer, "0");
            EmitTakeMaskedCell(writer, layer, "0");
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.LstmBackward({SpanOf($"_gates{i}", "0", "gateStep", readOnly: true)}, default, {SpanOf($"_cellTanh{i}", "0", "step", readOnly: true)}, {SpanOf(dh, "0", "step", readOnly: true)}, {SpanOf($"_dCell{i}", "0", "step")}, {SpanOf($"_dGates{i}", "0", "gateStep")}, {u}, {HardSigmoidArgument});");
        }, recurrentWeights: () =>
        {
            writer.WriteLine($"// dU += Σ_(t≥1) h_(t-1)ᵀ·dz_t.");
            EmitRecurrentWeightGradient(writer, layout, layer, $"_dGates{i}", 0, width);
        });
    }

    /// <summary>
    /// With mask_zero, before step t's kernel (after dL/dh_t of the padded rows passed on): their dL/dc_t is set aside, so
    /// the kernel gives them no gate gradient (both inputs zero); the epilogue hands it to c_(t−1) unchanged (c carried over).
    /// </summary>
    private void EmitTakeMaskedCell(SourceWriter writer, LayerSpec layer, string t)
    {
        if (!Spec.MaskZero)
        {
            return;
        }

        writer.WriteLine($"global::RnnGen.Kernels.MaskKernels.TakeMasked({SpanOf(ModelLayout.MaskField(layer), $"{t} * batch", "batch", readOnly: true)}, {SpanOf($"_dCell{layer.Index}", "0", "step")}, {SpanOf($"_dCellMasked{layer.Index}", "0", "step")}, {Invariant(layer.Units)});");
    }

    private void EmitMaskedCellEpilogue(SourceWriter writer, LayerSpec layer, string t)
    {
        if (Spec.MaskZero)
        {
            writer.WriteLine($"global::RnnGen.Kernels.MaskKernels.RestoreMasked({SpanOf(ModelLayout.MaskField(layer), $"{t} * batch", "batch", readOnly: true)}, {SpanOf($"_dCellMasked{layer.Index}", "0", "step", readOnly: true)}, {SpanOf($"_dCell{layer.Index}", "0", "step")}, {Invariant(layer.Units)});");
        }
    }
}
