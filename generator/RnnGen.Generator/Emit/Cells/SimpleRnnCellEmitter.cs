using System.Globalization;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>Keras <c>SimpleRNN</c>: <c>h_t = act(x_t·W + b + h_{t−1}·U)</c>.</summary>
internal sealed class SimpleRnnCellEmitter(ModelSpec spec) : CellEmitter(spec)
{
    private bool Relu => Spec.Activation == ActivationKind.Relu;

    private string ActivationName => Relu ? "relu" : "tanh";

    private string Derivative => Relu ? "[h_t > 0]" : "(1 − h_t²)";

    public override IReadOnlyList<string> Equations =>
    [
        $"Cell: SimpleRNN, h_t = {ActivationName}(x_t·W + b + h_(t-1)·U), h_(-1) = 0; top layer's h_T -> logit = h_T·W_d + b_d.",
        $"Backward: da_t = (dL/dh_t + da_(t+1)·Uᵀ) ⊙ {Derivative}; dW = Σ x_tᵀ·da_t, dU = Σ h_(t-1)ᵀ·da_t, db = Σ da_t, dx_t = da_t·Wᵀ.",
    ];

    public override string KerasLayer(LayerSpec layer) =>
        $"SimpleRNN({layer.Units}, activation={ActivationName}{(layer.ReturnSequences ? ", return_sequences=True" : string.Empty)})";

    public override IEnumerable<BufferSpec> Buffers(LayerSpec layer) => [];

    public override void EmitForward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        string h = ModelLayout.HiddenField(layer);
        int u = layer.Units;
        string activation = Relu ? "ReluInPlace" : "TanhInPlace";
        writer.WriteLine($"nint step = (nint)batch * {u}; // floats of one time step of h");
        EmitDropoutPrologue(writer, layout, layer);
        EmitForwardSteps(writer, layout, layer, h, "step", () =>
        {
            writer.WriteLine($"// t = 0: h_(-1) = 0, so h_0 = {ActivationName}(x_0·W + b).");
            writer.WriteLine($"global::RnnGen.Kernels.Activations.{activation}({SpanOf(h, "0", "step")});");
            EmitCarryMasked(writer, layer, "0", h);
        }, t =>
        {
            using (UnlessAllPadding(writer, layer, t))
            {
                EmitMaskRecurrentState(writer, layer, t);
                EmitRecurrentProduct(writer, layout, layer, t, 0, u, h, $"{t} * step", Invariant(u), h, $"{t} * step");
                writer.WriteLine($"global::RnnGen.Kernels.Activations.{activation}({SpanOf(h, $"{t} * step", "step")});");
            }

            EmitCarryMasked(writer, layer, t, h);
        });
    }

    protected override bool CanWriteStateGradientFresh => true; // da_t·Uᵀ from zeros

    protected override bool GateGradientsInChunks => false; // da_t is written over dL/dh_t

    protected override bool PredictionReusesGateChunk => false; // the projections are written into h_t

    public override void EmitBackward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        string h = ModelLayout.HiddenField(layer);
        string dh = ModelLayout.HiddenGradientField(layer);
        int u = layer.Units;
        int last = Spec.SeqLen - 1;
        string backward = Relu ? "ReluBackward" : "TanhBackward";
        writer.WriteLine($"nint step = (nint)batch * {u}; // floats of one time step of h");
        writer.WriteLine("nint gateStep = step; // da_t is written over dL/dh_t");
        writer.WriteLine($"// Through time, last step first: da_t = dL/dh_t ⊙ {Derivative} in place, then dL/dh_(t-1) += da_t·Uᵀ.");
        EmitBackwardSteps(writer, layout, layer, dh, step: t =>
        {
            EmitPassThroughMasked(writer, layer, t);
            using (BackwardUnlessAllPadding(writer, layer, t)) // da_t is dL/dh_t in place, all zeros once passed through
            {
                writer.WriteLine($"global::RnnGen.Kernels.Activations.{backward}({SpanOf(h, $"{t} * step", "step", readOnly: true)}, {SpanOf(dh, $"{t} * step", "step")});");
                EmitRecurrentStateGradient(writer, layer, t, dh, 0, u, fresh: WritesStateGradientFresh(layout, layer));
            }
        }, firstStep: () =>
        {
            EmitPassThroughMasked(writer, layer, "0");
            writer.WriteLine($"global::RnnGen.Kernels.Activations.{backward}({SpanOf(h, "0", "step", readOnly: true)}, {SpanOf(dh, "0", "step")});");
        }, recurrentWeights: () =>
        {
            writer.WriteLine($"// dU += Σ_(t≥1) h_(t-1)ᵀ·da_t: h_0 … h_{last - 1} read transposed.");
            EmitRecurrentWeightGradient(writer, layout, layer, dh, 0, u);
        });
    }
}
