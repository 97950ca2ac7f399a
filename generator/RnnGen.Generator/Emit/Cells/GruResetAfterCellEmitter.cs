using System.Globalization;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// Keras <c>GRU</c> with reset_after = true (TF2 and Keras 3 default), gates [z | r | h]: [x_z, x_r, x_h] = x·W + b_0,
/// [h_z, h_r, h_h] = h·U + b_1, z = σ(x_z + h_z), r = σ(x_r + h_r), ĥ = tanh(x_h + r⊙h_h), h_t = z⊙h_(t−1) + (1 − z)⊙ĥ.
/// </summary>
internal sealed class GruResetAfterCellEmitter(ModelSpec spec) : CellEmitter(spec)
{
    public override IReadOnlyList<string> Equations =>
    [
        $"Cell: GRU (reset_after), [x_z | x_r | x_h] = x_t·W + b_0, [h_z | h_r | h_h] = h_(t-1)·U + b_1, z, r = {RecurrentActivationName};",
        "  z = σ(x_z + h_z), r = σ(x_r + h_r), ĥ = tanh(x_h + r⊙h_h), h_t = z⊙h_(t-1) + (1 − z)⊙ĥ, h_(-1) = 0.",
        "Backward: dz = dh⊙(h_(t-1) − ĥ)⊙z', da = dh⊙(1 − z)⊙(1 − ĥ²), dr = da⊙h_h⊙r'; input side [dz, dr, da],",
        "  recurrent side [dz, dr, da⊙r]; dL/dh_(t-1) += dh⊙z + [dz, dr, da⊙r]·Uᵀ; db_0, db_1 = column sums of the two sides.",
    ];

    public override string KerasLayer(LayerSpec layer) =>
        $"GRU({layer.Units}{(Spec.RecurrentActivation == RecurrentActivationKind.HardSigmoid ? ", recurrent_activation=hard_sigmoid" : string.Empty)}{(layer.ReturnSequences ? ", return_sequences=True" : string.Empty)})";

    public override IEnumerable<BufferSpec> Buffers(LayerSpec layer) =>
    [
        new BufferSpec($"_gates{layer.Index}", layer.GateWidth, PerStep: false, "[z, r, ĥ]"),
        new BufferSpec($"_recurrent{layer.Index}", layer.GateWidth, PerStep: false, "h_(t-1)·U + b_1"),
        new BufferSpec($"_dGates{layer.Index}", layer.GateWidth, PerStep: false, "input-side dL/dz_t", BackwardChunk: true),
        new BufferSpec($"_dRecurrent{layer.Index}", layer.GateWidth, PerStep: false, "recurrent-side dL/dz_t", BackwardChunk: true),
    ];

    public override void EmitForward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index;
        int u = layer.Units;
        int width = layer.GateWidth;
        string h = ModelLayout.HiddenField(layer);
        string recurrentBias = $"{layout.Bias(layer).PropertyName}Offset + {width}";
        EmitStepSizes(writer, layer, "h");
        EmitDropoutPrologue(writer, layout, layer);
        EmitForwardSteps(writer, layout, layer, $"_gates{i}", "gateStep", () =>
        {
            writer.WriteLine("// t = 0: h_(-1) = 0, so h·U + b_1 is b_1 (a product of no steps copies its init row).");
            writer.WriteLine(MatMul(width, "batch", "0", new(h, "0", Invariant(u)), "1", new("_parameters", layout.RecurrentKernel(layer).PropertyName + "Offset", Invariant(width)), new("_parameters", recurrentBias, "0"), new($"_recurrent{i}", "0", Invariant(width))));
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetAfterForward({SpanOf($"_gates{i}", "0", "gateStep")}, {SpanOf($"_recurrent{i}", "0", "gateStep", readOnly: true)}, default, {SpanOf(h, "0", "step")}, {u}, {HardSigmoidArgument});");
            EmitCarryMasked(writer, layer, "0", h);
        }, t =>
        {
            using (UnlessAllPadding(writer, layer, t))
            {
                EmitMaskRecurrentState(writer, layer, t);
                EmitRecurrentProduct(writer, layout, layer, t, 0, width, "_parameters", recurrentBias, "0", $"_recurrent{i}", GateRow(t));
                writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetAfterForward({SpanOf($"_gates{i}", GateRow(t), "gateStep")}, {SpanOf($"_recurrent{i}", GateRow(t), "gateStep", readOnly: true)}, {SpanOf(h, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(h, $"{t} * step", "step")}, {u}, {HardSigmoidArgument});");
            }

            EmitCarryMasked(writer, layer, t, h);
        });
    }

    protected override bool CanWriteStateGradientFresh => true; // the kernel writes 0 + dh⊙z

    public override void EmitBackward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index;
        int u = layer.Units;
        int width = layer.GateWidth;
        string h = ModelLayout.HiddenField(layer);
        string dh = ModelLayout.HiddenGradientField(layer);
        bool fresh = WritesStateGradientFresh(layout, layer);
        string overwrite = fresh ? ", overwritePrevious: true" : "";
        EmitStepSizes(writer, layer, "h");
        writer.WriteLine($"// Through time, last step first: both sides of dz_t, dL/dh_(t-1) {(fresh ? "=" : "+=")} dh⊙z, then dL/dh_(t-1) += dz_rec·Uᵀ.");
        EmitBackwardSteps(writer, layout, layer, $"_dGates{i}", step: t =>
        {
            EmitPassThroughMasked(writer, layer, t);
            using (BackwardUnlessAllPadding(writer, layer, t, $"_dGates{i}", $"_dRecurrent{i}"))
            {
                writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetAfterBackward({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf($"_recurrent{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf(h, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(dh, $"{t} * step", "step", readOnly: true)}, {SpanOf($"_dGates{i}", GateGradientRow(t), "gateStep")}, {SpanOf($"_dRecurrent{i}", GateGradientRow(t), "gateStep")}, {SpanOf(dh, $"({t} - 1) * step", "step")}, {u}, {HardSigmoidArgument}{overwrite});");
                EmitRecurrentStateGradient(writer, layer, t, $"_dRecurrent{i}", 0, width);
            }
        }, firstStep: () =>
        {
            EmitPassThroughMasked(writer, layer, "0");
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetAfterBackward({SpanOf($"_gates{i}", "0", "gateStep", readOnly: true)}, {SpanOf($"_recurrent{i}", "0", "gateStep", readOnly: true)}, default, {SpanOf(dh, "0", "step", readOnly: true)}, {SpanOf($"_dGates{i}", "0", "gateStep")}, {SpanOf($"_dRecurrent{i}", "0", "gateStep")}, default, {u}, {HardSigmoidArgument});");
        }, recurrentWeights: () =>
        {
            writer.WriteLine($"// dU += Σ_(t≥1) h_(t-1)ᵀ·dz_rec,t.");
            EmitRecurrentWeightGradient(writer, layout, layer, $"_dRecurrent{i}", 0, width);
        }, recurrentBias: () =>
        {
            writer.WriteLine("// db_1 += Σ_t Σ_b dz_rec,t[b] (b_1 enters every step, the first included).");
            writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.AddColumnSums({SpanOf($"_dRecurrent{i}", GateGradientRow("t0"), "(t1 - t0) * gateStep", readOnly: true)}, {width}, {SpanOf("_gradients", $"{layout.Bias(layer).PropertyName}Offset + {width}", Invariant(width))});");
        });
    }
}
