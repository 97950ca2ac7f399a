using System.Globalization;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// Keras <c>GRU</c> with reset_after = false (Keras ≤ 2.2): [x_z, x_r, x_h] = x·W + b, z = σ(x_z + h·U_z),
/// r = σ(x_r + h·U_r), ĥ = tanh(x_h + (r⊙h)·U_h), h_t = z⊙h_(t−1) + (1 − z)⊙ĥ.
/// </summary>
internal sealed class GruResetBeforeCellEmitter(ModelSpec spec) : CellEmitter(spec)
{
    public override IReadOnlyList<string> Equations =>
    [
        $"Cell: GRU (reset_after=False), [x_z | x_r | x_h] = x_t·W + b, z, r = {RecurrentActivationName}:",
        "  z = σ(x_z + h_(t-1)·U_z), r = σ(x_r + h_(t-1)·U_r), ĥ = tanh(x_h + (r⊙h_(t-1))·U_h), h_t = z⊙h_(t-1) + (1 − z)⊙ĥ.",
        "Backward: dz = dh⊙(h_(t-1) − ĥ)⊙z', da = dh⊙(1 − z)⊙(1 − ĥ²), d(r⊙h) = da·U_hᵀ, dr = d(r⊙h)⊙h_(t-1)⊙r';",
        "  dL/dh_(t-1) += dh⊙z + d(r⊙h)⊙r + [dz, dr]·U_zrᵀ; dU_zr = Σ h_(t-1)ᵀ·[dz, dr], dU_h = Σ (r⊙h_(t-1))ᵀ·da.",
    ];

    public override string KerasLayer(LayerSpec layer) =>
        $"GRU({layer.Units}, reset_after=False{(Spec.RecurrentActivation == RecurrentActivationKind.HardSigmoid ? ", recurrent_activation=hard_sigmoid" : string.Empty)}{(layer.ReturnSequences ? ", return_sequences=True" : string.Empty)})";

    public override IEnumerable<BufferSpec> Buffers(LayerSpec layer) =>
    [
        new BufferSpec($"_gates{layer.Index}", layer.GateWidth, PerStep: false, "[z, r, ĥ]"),
        new BufferSpec($"_resetHidden{layer.Index}", layer.Units, PerStep: false, "r⊙h_(t-1)"),
        new BufferSpec($"_dGates{layer.Index}", layer.GateWidth, PerStep: false, "dL/dz_t", BackwardChunk: true),
        new BufferSpec($"_dResetHidden{layer.Index}", layer.Units, PerStep: true, "d(r⊙h) of the step in progress"),
    ];

    public override IEnumerable<int> ProductWidths(LayerSpec layer) => [layer.GateWidth, 2 * layer.Units, layer.Units, layer.InputSize];

    public override IEnumerable<int> TransposedProductWidths(LayerSpec layer) => [layer.GateWidth, 2 * layer.Units, layer.Units];

    public override void EmitForward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index;
        int u = layer.Units;
        int width = layer.GateWidth;
        string h = ModelLayout.HiddenField(layer);
        string recurrent = layout.RecurrentKernel(layer).PropertyName + "Offset";
        EmitStepSizes(writer, layer, "h");
        EmitDropoutPrologue(writer, layout, layer);
        EmitForwardSteps(writer, layout, layer, $"_gates{i}", "gateStep", () =>
        {
            writer.WriteLine("// t = 0: h_(-1) = 0, so z, r and ĥ see x_0·W + b alone.");
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeGates({SpanOf($"_gates{i}", "0", "gateStep")}, default, {SpanOf($"_resetHidden{i}", "0", "step")}, {u}, {HardSigmoidArgument});");
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeOutput({SpanOf($"_gates{i}", "0", "gateStep")}, default, {SpanOf(h, "0", "step")}, {u});");
            EmitCarryMasked(writer, layer, "0", h);
        }, t =>
        {
            using (UnlessAllPadding(writer, layer, t))
            {
                EmitMaskRecurrentState(writer, layer, t);
                writer.WriteLine($"// [x_z, x_r] += h_(t-1)·U_zr (columns 0 … {2 * u - 1} of U).");
                EmitRecurrentProduct(writer, layout, layer, t, 0, 2 * u, $"_gates{i}", GateRow(t), Invariant(width), $"_gates{i}", GateRow(t));
                string resetSource = RecurrentDropout ? SpanOf("recurrentInput", $"2 * recurrentGroupStride + {t} * step + recurrentShift", "step", readOnly: true) : SpanOf(h, $"({t} - 1) * step", "step", readOnly: true);
                writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeGates({SpanOf($"_gates{i}", GateRow(t), "gateStep")}, {resetSource}, {SpanOf($"_resetHidden{i}", $"{t} * step", "step")}, {u}, {HardSigmoidArgument});");
                writer.WriteLine("// x_h += (r⊙h_(t-1))·U_h (the last u columns of U).");
                writer.WriteLine(MatMul(u, "batch", Invariant(u), new($"_resetHidden{i}", $"{t} * step", Invariant(u)), "1", new("_parameters", $"{recurrent} + {2 * u}", Invariant(width)), new($"_gates{i}", Plus(GateRow(t), 2 * u), Invariant(width)), new($"_gates{i}", Plus(GateRow(t), 2 * u), Invariant(width))));
                writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeOutput({SpanOf($"_gates{i}", GateRow(t), "gateStep")}, {SpanOf(h, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(h, $"{t} * step", "step")}, {u});");
            }

            EmitCarryMasked(writer, layer, t, h);
        });
    }

    protected override bool CanWriteStateGradientFresh => true; // the output kernel writes 0 + dh⊙z

    public override void EmitBackward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index;
        int u = layer.Units;
        int width = layer.GateWidth;
        string h = ModelLayout.HiddenField(layer);
        string dh = ModelLayout.HiddenGradientField(layer);
        string recurrentGradient = layout.RecurrentKernel(layer).PropertyName + "Offset";
        bool fresh = WritesStateGradientFresh(layout, layer);
        string overwrite = fresh ? ", overwritePrevious: true" : "";
        EmitStepSizes(writer, layer, "h");
        writer.WriteLine($"// Through time, last step first: dz, da and dL/dh_(t-1) {(fresh ? "=" : "+=")} dh⊙z; d(r⊙h) = da·U_hᵀ and dr;");
        writer.WriteLine("// then dL/dh_(t-1) += d(r⊙h)⊙r + [dz, dr]·U_zrᵀ.");
        EmitBackwardSteps(writer, layout, layer, $"_dGates{i}", step: t =>
        {
            EmitPassThroughMasked(writer, layer, t);
            using (BackwardUnlessAllPadding(writer, layer, t, $"_dGates{i}"))
            {
                writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeBackwardOutput({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf(h, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(dh, $"{t} * step", "step", readOnly: true)}, {SpanOf($"_dGates{i}", GateGradientRow(t), "gateStep")}, {SpanOf(dh, $"({t} - 1) * step", "step")}, {u}, {HardSigmoidArgument}{overwrite});");
                writer.WriteLine(MatMul(u, "batch", Invariant(u), new($"_dGates{i}", Plus(GateGradientRow(t), 2 * u), Invariant(width)), "1", new($"_recurrentT{i}", Invariant(2 * u * u), Invariant(u)), new("s_zeros", "0", "0"), new($"_dResetHidden{i}", "0", Invariant(u))));
                if (RecurrentDropout)
                {
                    // r⊙(h_(t-1)⊙m_h): dr reads the masked state, and its gradient reaches h_(t-1) through the mask.
                    writer.WriteLine($"{SpanOf($"_dHiddenPart{i}", "0", "step")}.Clear();");
                    writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeBackwardReset({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf($"_droppedHidden{i}", $"2 * {Spec.SeqLen} * step + {t} * step", "step", readOnly: true)}, {SpanOf($"_dResetHidden{i}", "0", "step", readOnly: true)}, {SpanOf($"_dGates{i}", GateGradientRow(t), "gateStep")}, {SpanOf($"_dHiddenPart{i}", "0", "step")}, {u}, {HardSigmoidArgument});");
                    writer.WriteLine($"global::System.Numerics.Tensors.TensorPrimitives.MultiplyAdd({SpanOf($"_dHiddenPart{i}", "0", "step", readOnly: true)}, {SpanOf($"_recurrentMask{i}", "2 * step", "step", readOnly: true)}, {SpanOf(dh, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(dh, $"({t} - 1) * step", "step")});");
                }
                else
                {
                    writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeBackwardReset({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf(h, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf($"_dResetHidden{i}", "0", "step", readOnly: true)}, {SpanOf($"_dGates{i}", GateGradientRow(t), "gateStep")}, {SpanOf(dh, $"({t} - 1) * step", "step")}, {u}, {HardSigmoidArgument});");
                }

                EmitRecurrentStateGradient(writer, layer, t, $"_dGates{i}", 0, 2 * u);
            }
        }, firstStep: () =>
        {
            writer.WriteLine("// t = 0: h_(-1) = 0, so dr = 0 and nothing flows further back.");
            EmitPassThroughMasked(writer, layer, "0");
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeBackwardOutput({SpanOf($"_gates{i}", "0", "gateStep", readOnly: true)}, default, {SpanOf(dh, "0", "step", readOnly: true)}, {SpanOf($"_dGates{i}", "0", "gateStep")}, default, {u}, {HardSigmoidArgument});");
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeBackwardReset({SpanOf($"_gates{i}", "0", "gateStep", readOnly: true)}, default, {SpanOf($"_dResetHidden{i}", "0", "step", readOnly: true)}, {SpanOf($"_dGates{i}", "0", "gateStep")}, default, {u}, {HardSigmoidArgument});");
        }, recurrentWeights: () =>
        {
            writer.WriteLine("// dU_zr += Σ_(t≥1) h_(t-1)ᵀ·[dz, dr]_t and dU_h += Σ_(t≥1) (r⊙h_(t-1))ᵀ·da_t.");
            EmitRecurrentWeightGradient(writer, layout, layer, $"_dGates{i}", 0, 2 * u);
            writer.WriteLine(AddTransposedProduct(u, Invariant(u), RecurrentChunkRows, new($"_resetHidden{i}", "tr * step", Invariant(u)), new($"_dGates{i}", Plus(GateGradientRow("tr"), 2 * u), Invariant(width)), new("_gradients", $"{recurrentGradient} + {2 * u}", Invariant(width))));
        });
    }

    /// <inheritdoc/>
    protected override IEnumerable<string> StepSlotsReadByWeightGradients(LayerSpec layer, string t) =>
        base.StepSlotsReadByWeightGradients(layer, t).Append(SpanOf($"_resetHidden{layer.Index}", $"{t} * step", "step")); // r⊙h_(t-1), read by dU_h
}
