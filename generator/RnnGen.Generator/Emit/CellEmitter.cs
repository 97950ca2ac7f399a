using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// The cell-specific part of a recurrent layer: its Keras description, its equations, and the bodies of its forward and
/// backward methods. The model-level emitters own everything else, so a new cell is a new subclass.
/// </summary>
internal abstract class CellEmitter
{
    public abstract IReadOnlyList<string> Equations { get; }

    public static CellEmitter For(ModelSpec spec) => spec.Cell switch
    {
        _ => new SimpleRnnCellEmitter(spec.Activation),
    };

    public abstract string KerasLayer(LayerSpec layer);

    /// <summary>Writes the body of <c>{Cell}{i}Forward(int batch)</c>: h_t for every step into the layer's hidden buffer.</summary>
    public abstract void EmitForward(SourceWriter writer, ModelLayout layout, LayerSpec layer);

    /// <summary>
    /// Writes the body of <c>{Cell}{i}Backward(int batch)</c>: from dL/dh_t in the layer's hidden-gradient buffer, accumulate
    /// the weight gradients and write dL/dx_t to the input-gradient buffer.
    /// </summary>
    public abstract void EmitBackward(SourceWriter writer, ModelLayout layout, LayerSpec layer);

    /// <summary>Writes the time loop, or with <c>Unroll</c> one block per step with the step as a constant.</summary>
    protected static void EmitTimeLoop(SourceWriter writer, ModelSpec spec, int first, int last, bool descending, Action<string> body)
    {
        if (spec.Unroll)
        {
            for (int t = descending ? last : first; descending ? t >= first : t <= last; t += descending ? -1 : 1)
            {
                writer.WriteLine($"// t = {t}");
                body(t.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return;
        }

        if (first > last)
        {
            return;
        }

        string header = descending
            ? $"for (int t = {last}; t >= {first}; t--)"
            : $"for (int t = {first}; t <= {last}; t++)";
        using (writer.WriteBlock(header))
        {
            body("t");
        }
    }

    /// <summary><c>ref At(array, offset)</c>: a reference into a buffer for the matrix kernels.</summary>
    protected static string Ref(string array, string offset) => $"ref At({array}, {offset})";

    /// <summary>A span over a buffer slice.</summary>
    protected static string SpanOf(string array, string offset, string length, bool readOnly = false) =>
        $"new global::System.{(readOnly ? "ReadOnlySpan" : "Span")}<float>({array}, (int)({offset}), (int)({length}))";
}

/// <summary>Keras <c>SimpleRNN</c>: <c>h_t = act(x_t·W + b + h_{t−1}·U)</c>.</summary>
internal sealed class SimpleRnnCellEmitter(ActivationKind activation) : CellEmitter
{
    private string ActivationName => activation == ActivationKind.Relu ? "relu" : "tanh";

    private string ForwardKernel => activation == ActivationKind.Relu ? "ReluInPlace" : "TanhInPlace";

    private string BackwardKernel => activation == ActivationKind.Relu ? "ReluBackward" : "TanhBackward";

    private string Derivative => activation == ActivationKind.Relu ? "[h_t > 0]" : "(1 − h_t²)";

    public override IReadOnlyList<string> Equations =>
    [
        $"Cell: SimpleRNN, h_t = {ActivationName}(x_t·W + b + h_(t-1)·U), h_(-1) = 0; top layer's h_T -> logit = h_T·W_d + b_d.",
        $"Backward: da_t = (dL/dh_t + da_(t+1)·Uᵀ) ⊙ {Derivative}; dW = Σ x_tᵀ·da_t, dU = Σ h_(t-1)ᵀ·da_t, db = Σ da_t, dx_t = da_t·Wᵀ.",
    ];

    public override string KerasLayer(LayerSpec layer) =>
        $"SimpleRNN({layer.Units}, activation={ActivationName}{(layer.ReturnSequences ? ", return_sequences=True" : string.Empty)})";

    public override void EmitForward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        ModelSpec spec = layout.Spec;
        string h = ModelLayout.HiddenField(layer);
        string x = layout.InputField(layer);
        int u = layer.Units;
        int d = layer.InputSize;
        string kernel = KernelEmitter.KernelName(u);
        writer.WriteLine($"nint step = (nint)batch * {u}; // floats of one time step of h");
        writer.WriteLine($"// Input projections of all {spec.SeqLen} steps as one [{spec.SeqLen}·B, {d}]·[{d}, {u}] product, with the bias: h_t = x_t·W + b.");
        writer.WriteLine($"{kernel}({spec.SeqLen} * batch, {d}, {Ref(x, "0")}, {d}, 1, {Ref("_parameters", layout.Kernel(layer).PropertyName + "Offset")}, {Ref("_parameters", layout.Bias(layer).PropertyName + "Offset")}, 0, {Ref(h, "0")});");
        writer.WriteLine($"// t = 0: h_(-1) = 0, so h_0 = {ActivationName}(x_0·W + b).");
        writer.WriteLine($"global::RnnGen.Kernels.Activations.{ForwardKernel}({SpanOf(h, "0", "step")});");
        EmitTimeLoop(writer, spec, 1, spec.SeqLen - 1, descending: false, t =>
        {
            writer.WriteLine($"{kernel}(batch, {u}, {Ref(h, $"({t} - 1) * step")}, {u}, 1, {Ref("_parameters", layout.RecurrentKernel(layer).PropertyName + "Offset")}, {Ref(h, $"{t} * step")}, {u}, {Ref(h, $"{t} * step")});");
            writer.WriteLine($"global::RnnGen.Kernels.Activations.{ForwardKernel}({SpanOf(h, $"{t} * step", "step")});");
        });
    }

    public override void EmitBackward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        ModelSpec spec = layout.Spec;
        string h = ModelLayout.HiddenField(layer);
        string dh = ModelLayout.HiddenGradientField(layer);
        string x = layout.InputField(layer);
        string dx = layout.InputGradientField(layer);
        int u = layer.Units;
        int d = layer.InputSize;
        int last = spec.SeqLen - 1;
        string kernelU = KernelEmitter.KernelName(u);
        string kernelD = KernelEmitter.KernelName(d);
        string transposed = KernelEmitter.TransposedKernelName(layer.GateWidth);
        string recurrentGradient = layout.RecurrentKernel(layer).PropertyName + "Offset";
        string kernelGradient = layout.Kernel(layer).PropertyName + "Offset";
        writer.WriteLine($"nint step = (nint)batch * {u}; // floats of one time step of h");
        writer.WriteLine($"// Through time, last step first: da_t = dL/dh_t ⊙ {Derivative} in place, then dL/dh_(t-1) += da_t·Uᵀ.");
        EmitTimeLoop(writer, spec, 1, last, descending: true, t =>
        {
            writer.WriteLine($"global::RnnGen.Kernels.Activations.{BackwardKernel}({SpanOf(h, $"{t} * step", "step", readOnly: true)}, {SpanOf(dh, $"{t} * step", "step")});");
            writer.WriteLine($"{kernelU}(batch, {u}, {Ref(dh, $"{t} * step")}, {u}, 1, {Ref($"_recurrentT{layer.Index}", "0")}, {Ref(dh, $"({t} - 1) * step")}, {u}, {Ref(dh, $"({t} - 1) * step")});");
        });
        writer.WriteLine($"global::RnnGen.Kernels.Activations.{BackwardKernel}({SpanOf(h, "0", "step", readOnly: true)}, {SpanOf(dh, "0", "step")});");
        if (spec.SeqLen > 1)
        {
            writer.WriteLine($"// dU += Σ_(t≥1) h_(t-1)ᵀ·da_t: h_0 … h_{last - 1} read transposed (row stride 1, step stride {u}).");
            writer.WriteLine($"{transposed}({u}, {last} * batch, {Ref(h, "0")}, {u}, {Ref(dh, "step")}, {Ref("_gradients", recurrentGradient)});");
        }

        writer.WriteLine($"// dW += Σ_t x_tᵀ·da_t over all {spec.SeqLen}·B rows.");
        writer.WriteLine($"{transposed}({d}, {spec.SeqLen} * batch, {Ref(x, "0")}, {d}, {Ref(dh, "0")}, {Ref("_gradients", kernelGradient)});");
        writer.WriteLine("// db += Σ_t Σ_b da_t[b].");
        writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.AddColumnSums({SpanOf(dh, "0", $"{spec.SeqLen} * step", readOnly: true)}, {u}, {SpanOf("_gradients", layout.Bias(layer).PropertyName + "Offset", u.ToString(System.Globalization.CultureInfo.InvariantCulture))});");
        writer.WriteLine($"// dL/dx_t = da_t·Wᵀ for every step, into {dx}.");
        writer.WriteLine($"{kernelD}({spec.SeqLen} * batch, {u}, {Ref(dh, "0")}, {u}, 1, {Ref($"_kernelT{layer.Index}", "0")}, {Ref("s_zeros", "0")}, 0, {Ref(dx, "0")});");
    }
}
