using System.Globalization;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>A batch buffer a cell needs: [SeqLen, B, Width] for a sequence, or [B, Width] for one step's scratch.</summary>
internal sealed record BufferSpec(string Field, int Width, bool PerStep, string Description);

/// <summary>
/// The cell-specific part of a recurrent layer: its Keras description, equations, buffers, the widths of its matrix
/// products, and the bodies of its forward and backward methods. The model-level emitters own everything else, so a new
/// cell is a new subclass. Every layer keeps h_t in <c>_hidden{i}</c> and receives dL/dh_t in <c>_dHidden{i}</c>; backward
/// adds the recurrent part of dL/dh_(t−1) into that same buffer, so at step t it holds the total gradient.
/// </summary>
internal abstract class CellEmitter(ModelSpec spec)
{
    protected ModelSpec Spec { get; } = spec;

    public abstract IReadOnlyList<string> Equations { get; }

    public static CellEmitter For(ModelSpec spec) => spec.Cell switch
    {
        CellKind.Lstm => new LstmCellEmitter(spec),
        CellKind.Gru when spec.ResetAfter => new GruResetAfterCellEmitter(spec),
        CellKind.Gru => new GruResetBeforeCellEmitter(spec),
        _ => new SimpleRnnCellEmitter(spec),
    };

    public abstract string KerasLayer(LayerSpec layer);

    /// <summary>The layer's batch buffers besides <c>_hidden{i}</c> and <c>_dHidden{i}</c>.</summary>
    public abstract IEnumerable<BufferSpec> Buffers(LayerSpec layer);

    /// <summary>The column counts of the layer's row-times-matrix products.</summary>
    public virtual IEnumerable<int> ProductWidths(LayerSpec layer) => [layer.GateWidth, layer.Units, layer.InputSize];

    /// <summary>The column counts of the layer's weight-gradient products (aᵀ·b).</summary>
    public virtual IEnumerable<int> TransposedProductWidths(LayerSpec layer) =>
        RecurrentDropout && layer.GateCount > 1 ? [layer.GateWidth, layer.Units] : [layer.GateWidth];

    /// <summary>Writes the body of <c>{Cell}{i}Forward(int batch)</c>: h_t for every step into the layer's hidden buffer.</summary>
    public abstract void EmitForward(SourceWriter writer, ModelLayout layout, LayerSpec layer);

    /// <summary>
    /// Writes the body of <c>{Cell}{i}Backward(int batch)</c>: from dL/dh_t in the layer's hidden-gradient buffer, accumulate
    /// the weight gradients and write dL/dx_t to the input-gradient buffer.
    /// </summary>
    public abstract void EmitBackward(SourceWriter writer, ModelLayout layout, LayerSpec layer);

    protected string RecurrentActivationName => Spec.RecurrentActivation == RecurrentActivationKind.HardSigmoid ? "hard_sigmoid" : "sigmoid";

    protected string HardSigmoidArgument => Spec.RecurrentActivation == RecurrentActivationKind.HardSigmoid ? "true" : "false";

    protected static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>expression + offset</c>, or the expression alone when the offset is 0, so the generated code stays plain.</summary>
    protected static string Plus(string expression, int offset) => offset == 0 ? expression : $"{expression} + {Invariant(offset)}";

    /// <summary><c>k * stride</c> for a mask group, or 0 for the first.</summary>
    protected static string Group(int k, string stride) => k == 0 ? "0" : $"{Invariant(k)} * {stride}";

    /// <summary>Writes the steps first … last (ascending or descending), as a loop, or with <c>Unroll</c> one block per step.</summary>
    protected void EmitTimeLoop(SourceWriter writer, int first, int last, bool descending, Action<string> body)
    {
        if (first > last)
        {
            return;
        }

        if (Spec.Unroll)
        {
            for (int t = descending ? last : first; descending ? t >= first : t <= last; t += descending ? -1 : 1)
            {
                writer.WriteLine($"// t = {t}");
                body(Invariant(t));
            }

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

    /// <summary>Declares the floats of one time step of the layer's state (<c>step</c>) and of its gates (<c>gateStep</c>).</summary>
    protected static void EmitStepSizes(SourceWriter writer, LayerSpec layer, string state)
    {
        writer.WriteLine($"nint step = (nint)batch * {layer.Units}; // floats of one time step of {state}");
        writer.WriteLine($"nint gateStep = (nint)batch * {layer.GateWidth}; // floats of one time step of the gates");
    }

    /// <summary>A call of <c>MatMul{columns}</c>: c = init + a·b, each operand an (array, offset) with its row stride.</summary>
    protected string MatMul(int columns, string rows, string steps, string a, string aOffset, string aRowStride, string aStepStride, string b, string bOffset, string bRowStride, string init, string initOffset, string initRowStride, string c, string cOffset, string cRowStride) =>
        $"{KernelsFileEmitter.Qualified(Spec.KernelsClass)}.{KernelEmitter.KernelName(columns)}({rows}, {steps}, ref At({a}, {aOffset}), {aRowStride}, {aStepStride}, ref At({b}, {bOffset}), {bRowStride}, ref At({init}, {initOffset}), {initRowStride}, ref At({c}, {cOffset}), {cRowStride});";

    /// <summary>A call of <c>AddTransposedProduct{columns}</c>: c += aᵀ·b.</summary>
    protected string AddTransposedProduct(int columns, string rows, string steps, string a, string aOffset, string aStepStride, string b, string bOffset, string bRowStride, string c, string cOffset, string cRowStride) =>
        $"{KernelsFileEmitter.Qualified(Spec.KernelsClass)}.{KernelEmitter.TransposedKernelName(columns)}({rows}, {steps}, ref At({a}, {aOffset}), {aStepStride}, ref At({b}, {bOffset}), {bRowStride}, ref At({c}, {cOffset}), {cRowStride});";

    /// <summary>A span over a buffer slice.</summary>
    protected static string SpanOf(string array, string offset, string length, bool readOnly = false) =>
        $"new global::System.{(readOnly ? "ReadOnlySpan" : "Span")}<float>({array}, (int)({offset}), (int)({length}))";

    // ---- Dropout (docs/keras-conventions.md, Dropout). Masks are drawn once per batch; "groups" are the gate blocks that get their
    // own masks: all gates share one mask unless recurrent dropout is on, when each gate has its own input and recurrent
    // mask (tf.keras implementation 1). Masked copies x_t⊙m and h_(t-1)⊙m are kept, because the weight gradients need them.

    protected bool InputDropout => Spec.Dropout > 0;

    protected bool RecurrentDropout => Spec.RecurrentDropout > 0;

    protected int Groups(LayerSpec layer) => RecurrentDropout && layer.GateCount > 1 ? layer.GateCount : 1;

    /// <summary>The cell's own buffers and those its dropout needs.</summary>
    public IEnumerable<BufferSpec> AllBuffers(LayerSpec layer)
    {
        foreach (BufferSpec buffer in Buffers(layer))
        {
            yield return buffer;
        }

        int i = layer.Index, d = layer.InputSize, u = layer.Units, groups = Groups(layer);
        if (InputDropout)
        {
            yield return new BufferSpec($"_inputMask{i}", groups * d, PerStep: true, $"{groups} input dropout mask(s) of [B, {d}]");
            yield return new BufferSpec($"_droppedInput{i}", groups * d, PerStep: false, $"x_t⊙mask for each of the {groups} mask(s)");
            if (groups > 1)
            {
                yield return new BufferSpec($"_dInputPart{i}", d, PerStep: false, "one gate's dL/dx_t before its mask");
            }
        }

        if (RecurrentDropout)
        {
            yield return new BufferSpec($"_recurrentMask{i}", groups * u, PerStep: true, $"{groups} recurrent dropout mask(s) of [B, {u}]");
            yield return new BufferSpec($"_droppedHidden{i}", groups * u, PerStep: false, $"h_(t-1)⊙mask at slot t, for each of the {groups} mask(s)");
            yield return new BufferSpec($"_dHiddenPart{i}", u, PerStep: true, "one gate's dL/dh_(t-1) before its mask");
        }
    }

    /// <summary>Writes the draws of the layer's masks for one batch (training only).</summary>
    public void EmitDrawMasks(SourceWriter writer, LayerSpec layer)
    {
        int i = layer.Index, groups = Groups(layer);
        if (InputDropout)
        {
            writer.WriteLine($"global::RnnGen.Kernels.DropoutKernels.FillMask({SpanOf($"_inputMask{i}", "0", $"batch * {groups * layer.InputSize}")}, {Spec.Dropout.ToString("R", CultureInfo.InvariantCulture)}, random);");
        }

        if (RecurrentDropout)
        {
            writer.WriteLine($"global::RnnGen.Kernels.DropoutKernels.FillMask({SpanOf($"_recurrentMask{i}", "0", $"batch * {groups * layer.Units}")}, {Spec.RecurrentDropout.ToString("R", CultureInfo.InvariantCulture)}, random);");
        }
    }

    /// <summary>
    /// Opens a layer's forward pass: in training, the masked inputs x_t⊙m_k; and the sources the products read, which are the
    /// masked copies in training and the plain buffers in evaluation (where dropout is off).
    /// </summary>
    protected void EmitDropoutPrologue(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index, d = layer.InputSize, groups = Groups(layer);
        if (InputDropout)
        {
            using (writer.WriteBlock("if (_training)"))
            {
                writer.WriteLine($"// Input dropout: x_t⊙m_k for every step t and mask k (one mask per batch, reused at every step).");
                for (int k = 0; k < groups; k++)
                {
                    writer.WriteLine($"global::RnnGen.Kernels.DropoutKernels.MaskSequence({SpanOf(layout.InputField(layer), "0", $"{Spec.SeqLen} * batch * {d}", readOnly: true)}, {SpanOf($"_inputMask{i}", Group(k, $"batch * {d}"), $"batch * {d}", readOnly: true)}, {SpanOf($"_droppedInput{i}", Group(k, $"{Spec.SeqLen} * batch * {d}"), $"{Spec.SeqLen} * batch * {d}")}, false);");
                }
            }

            writer.WriteLine($"float[] projectionInput = _training ? _droppedInput{i} : {layout.InputField(layer)};");
            writer.WriteLine($"nint projectionGroupStride = _training ? (nint){Spec.SeqLen} * batch * {d} : 0;");
        }

        if (RecurrentDropout)
        {
            writer.WriteLine($"// Recurrent dropout: the products read h_(t-1)⊙m_k (slot t of _droppedHidden{i}) in training, h_(t-1) otherwise.");
            writer.WriteLine($"float[] recurrentInput = _training ? _droppedHidden{i} : {ModelLayout.HiddenField(layer)};");
            writer.WriteLine($"nint recurrentGroupStride = _training ? {Spec.SeqLen} * step : 0;");
            writer.WriteLine("nint recurrentShift = _training ? 0 : -step;");
        }
    }

    /// <summary>The input projections of all steps as one product per mask, bias row included: gates[t] = x_t·W + b.</summary>
    protected void EmitInputProjection(SourceWriter writer, ModelLayout layout, LayerSpec layer, string target)
    {
        int d = layer.InputSize;
        int width = layer.GateWidth;
        string kernel = layout.Kernel(layer).PropertyName + "Offset";
        string bias = layout.Bias(layer).PropertyName + "Offset";
        if (!InputDropout)
        {
            writer.WriteLine($"// Input projections of all {Spec.SeqLen} steps as one [{Spec.SeqLen}·B, {d}]·[{d}, {width}] product, with the bias: x_t·W + b.");
            writer.WriteLine(MatMul(width, $"{Spec.SeqLen} * batch", Invariant(d), layout.InputField(layer), "0", Invariant(d), "1", "_parameters", kernel, Invariant(width), "_parameters", bias, "0", target, "0", Invariant(width)));
            return;
        }

        int groups = Groups(layer);
        int groupWidth = width / groups;
        writer.WriteLine($"// Input projections of all {Spec.SeqLen} steps, one product per mask (gate columns [k·{groupWidth}, (k+1)·{groupWidth})): (x_t⊙m_k)·W_k + b_k.");
        for (int k = 0; k < groups; k++)
        {
            writer.WriteLine(MatMul(groupWidth, $"{Spec.SeqLen} * batch", Invariant(d), "projectionInput", Group(k, "projectionGroupStride"), Invariant(d), "1", "_parameters", Plus(kernel, k * groupWidth), Invariant(width), "_parameters", Plus(bias, k * groupWidth), "0", target, Invariant(k * groupWidth), Invariant(width)));
        }
    }

    /// <summary>In training, h_(t-1)⊙m_k into slot t of the masked copies, before the step's recurrent products.</summary>
    protected void EmitMaskRecurrentState(SourceWriter writer, LayerSpec layer, string t)
    {
        if (!RecurrentDropout)
        {
            return;
        }

        int i = layer.Index, u = layer.Units;
        using (writer.WriteBlock("if (_training)"))
        {
            for (int k = 0; k < Groups(layer); k++)
            {
                writer.WriteLine($"global::System.Numerics.Tensors.TensorPrimitives.Multiply({SpanOf(ModelLayout.HiddenField(layer), $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf($"_recurrentMask{i}", Group(k, "step"), "step", readOnly: true)}, {SpanOf($"_droppedHidden{i}", $"{Group(k, $"{Spec.SeqLen} * step")} + {t} * step", "step")});");
            }
        }
    }

    /// <summary>
    /// target[:, cols] = init[:, cols] + h_(t-1)·U[:, cols] for the gate columns [first, first + count), where init and
    /// target offsets point at column 0 of their gate rows (init stride 0: a bias row). With recurrent dropout, one
    /// product per mask, each reading its masked state.
    /// </summary>
    protected void EmitRecurrentProduct(SourceWriter writer, ModelLayout layout, LayerSpec layer, string t, int first, int count, string init, string initOffset, string initStride, string target, string targetOffset)
    {
        int u = layer.Units, width = layer.GateWidth;
        string recurrent = layout.RecurrentKernel(layer).PropertyName + "Offset";
        if (!RecurrentDropout)
        {
            writer.WriteLine(MatMul(count, "batch", Invariant(u), ModelLayout.HiddenField(layer), $"({t} - 1) * step", Invariant(u), "1", "_parameters", Plus(recurrent, first), Invariant(width), init, Plus(initOffset, first), initStride, target, Plus(targetOffset, first), Invariant(width)));
            return;
        }

        int groupWidth = width / Groups(layer);
        for (int k = first / groupWidth; k < (first + count) / groupWidth; k++)
        {
            writer.WriteLine(MatMul(groupWidth, "batch", Invariant(u), "recurrentInput", $"{Group(k, "recurrentGroupStride")} + {t} * step + recurrentShift", Invariant(u), "1", "_parameters", Plus(recurrent, k * groupWidth), Invariant(width), init, Plus(initOffset, k * groupWidth), initStride, target, Plus(targetOffset, k * groupWidth), Invariant(width)));
        }
    }

    /// <summary>dL/dh_(t-1) += dz_t[:, cols]·U[:, cols]ᵀ for the gate columns [first, first + count) (⊙ each mask with dropout).</summary>
    protected void EmitRecurrentStateGradient(SourceWriter writer, LayerSpec layer, string t, string dz, int first, int count)
    {
        int i = layer.Index, u = layer.Units, width = layer.GateWidth;
        string dh = ModelLayout.HiddenGradientField(layer);
        if (!RecurrentDropout)
        {
            writer.WriteLine(MatMul(u, "batch", Invariant(count), dz, Plus($"{t} * gateStep", first), Invariant(width), "1", $"_recurrentT{i}", Invariant(first * u), Invariant(u), dh, $"({t} - 1) * step", Invariant(u), dh, $"({t} - 1) * step", Invariant(u)));
            return;
        }

        int groupWidth = width / Groups(layer);
        for (int k = first / groupWidth; k < (first + count) / groupWidth; k++)
        {
            writer.WriteLine(MatMul(u, "batch", Invariant(groupWidth), dz, Plus($"{t} * gateStep", k * groupWidth), Invariant(width), "1", $"_recurrentT{i}", Invariant(k * groupWidth * u), Invariant(u), "s_zeros", "0", "0", $"_dHiddenPart{i}", "0", Invariant(u)));
            writer.WriteLine($"global::System.Numerics.Tensors.TensorPrimitives.MultiplyAdd({SpanOf($"_dHiddenPart{i}", "0", "step", readOnly: true)}, {SpanOf($"_recurrentMask{i}", Group(k, "step"), "step", readOnly: true)}, {SpanOf(dh, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(dh, $"({t} - 1) * step", "step")});");
        }
    }

    /// <summary>dU[:, cols] += Σ_(t≥1) h_(t-1)ᵀ·dz_t[:, cols] (the masked states with dropout).</summary>
    protected void EmitRecurrentWeightGradient(SourceWriter writer, ModelLayout layout, LayerSpec layer, string dz, int first, int count)
    {
        int i = layer.Index, u = layer.Units, width = layer.GateWidth, last = Spec.SeqLen - 1;
        string gradient = layout.RecurrentKernel(layer).PropertyName + "Offset";
        if (!RecurrentDropout)
        {
            writer.WriteLine(AddTransposedProduct(count, Invariant(u), $"{last} * batch", ModelLayout.HiddenField(layer), "0", Invariant(u), dz, Plus("gateStep", first), Invariant(width), "_gradients", Plus(gradient, first), Invariant(width)));
            return;
        }

        int groupWidth = width / Groups(layer);
        for (int k = first / groupWidth; k < (first + count) / groupWidth; k++)
        {
            writer.WriteLine(AddTransposedProduct(groupWidth, Invariant(u), $"{last} * batch", $"_droppedHidden{i}", $"{Group(k, $"{Spec.SeqLen} * step")} + step", Invariant(u), dz, Plus("gateStep", k * groupWidth), Invariant(width), "_gradients", Plus(gradient, k * groupWidth), Invariant(width)));
        }
    }

    /// <summary>The input-side gradients shared by all cells: dW += Σ_t x_tᵀ·dz_t, db += Σ dz_t, and dL/dx_t = dz_t·Wᵀ (⊙ masks).</summary>
    protected void EmitInputGradients(SourceWriter writer, ModelLayout layout, LayerSpec layer, string dGates)
    {
        int i = layer.Index;
        int d = layer.InputSize;
        int width = layer.GateWidth;
        int groups = InputDropout ? Groups(layer) : 1;
        int groupWidth = width / groups;
        string kernelGradient = layout.Kernel(layer).PropertyName + "Offset";
        string dx = layout.InputGradientField(layer);
        writer.WriteLine($"// dW += Σ_t x_tᵀ·dz_t over all {Spec.SeqLen}·B rows{(InputDropout ? ", with the masked inputs x_t⊙m_k" : string.Empty)}.");
        for (int k = 0; k < groups; k++)
        {
            string input = InputDropout ? $"_droppedInput{i}" : layout.InputField(layer);
            writer.WriteLine(AddTransposedProduct(groupWidth, Invariant(d), $"{Spec.SeqLen} * batch", input, Group(k, $"{Spec.SeqLen} * batch * {d}"), Invariant(d), dGates, Invariant(k * groupWidth), Invariant(width), "_gradients", Plus(kernelGradient, k * groupWidth), Invariant(width)));
        }

        writer.WriteLine("// db += Σ_t Σ_b dz_t[b].");
        writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.AddColumnSums({SpanOf(dGates, "0", $"{Spec.SeqLen} * batch * {width}", readOnly: true)}, {width}, {SpanOf("_gradients", layout.Bias(layer).PropertyName + "Offset", Invariant(width))});");
        writer.WriteLine($"// dL/dx_t = dz_t·Wᵀ for every step{(InputDropout ? ", ⊙ the input mask(s)" : string.Empty)}, into {dx}.");
        string sequence = $"{Spec.SeqLen} * batch * {d}";
        if (groups == 1)
        {
            writer.WriteLine(MatMul(d, $"{Spec.SeqLen} * batch", Invariant(width), dGates, "0", Invariant(width), "1", $"_kernelT{i}", "0", Invariant(d), "s_zeros", "0", "0", dx, "0", Invariant(d)));
            if (InputDropout)
            {
                writer.WriteLine($"global::RnnGen.Kernels.DropoutKernels.MaskSequence({SpanOf(dx, "0", sequence, readOnly: true)}, {SpanOf($"_inputMask{i}", "0", $"batch * {d}", readOnly: true)}, {SpanOf(dx, "0", sequence)}, false);");
            }

            return;
        }

        for (int k = 0; k < groups; k++)
        {
            writer.WriteLine(MatMul(d, $"{Spec.SeqLen} * batch", Invariant(groupWidth), dGates, Invariant(k * groupWidth), Invariant(width), "1", $"_kernelT{i}", Invariant(k * groupWidth * d), Invariant(d), "s_zeros", "0", "0", $"_dInputPart{i}", "0", Invariant(d)));
            writer.WriteLine($"global::RnnGen.Kernels.DropoutKernels.MaskSequence({SpanOf($"_dInputPart{i}", "0", sequence, readOnly: true)}, {SpanOf($"_inputMask{i}", Group(k, $"batch * {d}"), $"batch * {d}", readOnly: true)}, {SpanOf(dx, "0", sequence)}, {(k > 0 ? "true" : "false")});");
        }
    }
}

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
        EmitInputProjection(writer, layout, layer, h);
        writer.WriteLine($"// t = 0: h_(-1) = 0, so h_0 = {ActivationName}(x_0·W + b).");
        writer.WriteLine($"global::RnnGen.Kernels.Activations.{activation}({SpanOf(h, "0", "step")});");
        EmitTimeLoop(writer, 1, Spec.SeqLen - 1, descending: false, t =>
        {
            EmitMaskRecurrentState(writer, layer, t);
            EmitRecurrentProduct(writer, layout, layer, t, 0, u, h, $"{t} * step", Invariant(u), h, $"{t} * step");
            writer.WriteLine($"global::RnnGen.Kernels.Activations.{activation}({SpanOf(h, $"{t} * step", "step")});");
        });
    }

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
        EmitTimeLoop(writer, 1, last, descending: true, t =>
        {
            writer.WriteLine($"global::RnnGen.Kernels.Activations.{backward}({SpanOf(h, $"{t} * step", "step", readOnly: true)}, {SpanOf(dh, $"{t} * step", "step")});");
            EmitRecurrentStateGradient(writer, layer, t, dh, 0, u);
        });
        writer.WriteLine($"global::RnnGen.Kernels.Activations.{backward}({SpanOf(h, "0", "step", readOnly: true)}, {SpanOf(dh, "0", "step")});");
        if (last > 0)
        {
            writer.WriteLine($"// dU += Σ_(t≥1) h_(t-1)ᵀ·da_t: h_0 … h_{last - 1} read transposed.");
            EmitRecurrentWeightGradient(writer, layout, layer, dh, 0, u);
        }

        EmitInputGradients(writer, layout, layer, dh);
    }
}

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

    public override IEnumerable<BufferSpec> Buffers(LayerSpec layer) =>
    [
        new BufferSpec($"_gates{layer.Index}", layer.GateWidth, PerStep: false, "activated gates [i, f, g, o]"),
        new BufferSpec($"_cell{layer.Index}", layer.Units, PerStep: false, "c_t"),
        new BufferSpec($"_cellTanh{layer.Index}", layer.Units, PerStep: false, "tanh(c_t)"),
        new BufferSpec($"_dGates{layer.Index}", layer.GateWidth, PerStep: false, "dL/dz_t"),
        new BufferSpec($"_dCell{layer.Index}", layer.Units, PerStep: true, "dL/dc_t of the step in progress"),
    ];

    public override void EmitForward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index;
        int u = layer.Units;
        int width = layer.GateWidth;
        string h = ModelLayout.HiddenField(layer);
        EmitStepSizes(writer, layer, "h and c");
        EmitDropoutPrologue(writer, layout, layer);
        EmitInputProjection(writer, layout, layer, $"_gates{i}");
        writer.WriteLine("// t = 0: h_(-1) = c_(-1) = 0, so the gates are x_0·W + b alone.");
        writer.WriteLine($"global::RnnGen.Kernels.CellKernels.LstmForward({SpanOf($"_gates{i}", "0", "gateStep")}, default, {SpanOf($"_cell{i}", "0", "step")}, {SpanOf($"_cellTanh{i}", "0", "step")}, {SpanOf(h, "0", "step")}, {u}, {HardSigmoidArgument});");
        EmitTimeLoop(writer, 1, Spec.SeqLen - 1, descending: false, t =>
        {
            EmitMaskRecurrentState(writer, layer, t);
            EmitRecurrentProduct(writer, layout, layer, t, 0, width, $"_gates{i}", $"{t} * gateStep", Invariant(width), $"_gates{i}", $"{t} * gateStep");
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.LstmForward({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep")}, {SpanOf($"_cell{i}", $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf($"_cell{i}", $"{t} * step", "step")}, {SpanOf($"_cellTanh{i}", $"{t} * step", "step")}, {SpanOf(h, $"{t} * step", "step")}, {u}, {HardSigmoidArgument});");
        });
    }

    public override void EmitBackward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index;
        int u = layer.Units;
        int width = layer.GateWidth;
        int last = Spec.SeqLen - 1;
        string h = ModelLayout.HiddenField(layer);
        string dh = ModelLayout.HiddenGradientField(layer);
        EmitStepSizes(writer, layer, "h and c");
        writer.WriteLine($"{SpanOf($"_dCell{i}", "0", "step")}.Clear(); // dL/dc_T = 0: the cell state leaves only through h");
        writer.WriteLine("// Through time, last step first: dz_t from the gates, then dL/dh_(t-1) += dz_t·Uᵀ.");
        EmitTimeLoop(writer, 1, last, descending: true, t =>
        {
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.LstmBackward({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf($"_cell{i}", $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf($"_cellTanh{i}", $"{t} * step", "step", readOnly: true)}, {SpanOf(dh, $"{t} * step", "step", readOnly: true)}, {SpanOf($"_dCell{i}", "0", "step")}, {SpanOf($"_dGates{i}", $"{t} * gateStep", "gateStep")}, {u}, {HardSigmoidArgument});");
            EmitRecurrentStateGradient(writer, layer, t, $"_dGates{i}", 0, width);
        });
        writer.WriteLine($"global::RnnGen.Kernels.CellKernels.LstmBackward({SpanOf($"_gates{i}", "0", "gateStep", readOnly: true)}, default, {SpanOf($"_cellTanh{i}", "0", "step", readOnly: true)}, {SpanOf(dh, "0", "step", readOnly: true)}, {SpanOf($"_dCell{i}", "0", "step")}, {SpanOf($"_dGates{i}", "0", "gateStep")}, {u}, {HardSigmoidArgument});");
        if (last > 0)
        {
            writer.WriteLine($"// dU += Σ_(t≥1) h_(t-1)ᵀ·dz_t.");
            EmitRecurrentWeightGradient(writer, layout, layer, $"_dGates{i}", 0, width);
        }

        EmitInputGradients(writer, layout, layer, $"_dGates{i}");
    }
}

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
        new BufferSpec($"_dGates{layer.Index}", layer.GateWidth, PerStep: false, "input-side dL/dz_t"),
        new BufferSpec($"_dRecurrent{layer.Index}", layer.GateWidth, PerStep: false, "recurrent-side dL/dz_t"),
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
        EmitInputProjection(writer, layout, layer, $"_gates{i}");
        writer.WriteLine("// t = 0: h_(-1) = 0, so h·U + b_1 is b_1 (a product of no steps copies its init row).");
        writer.WriteLine(MatMul(width, "batch", "0", h, "0", Invariant(u), "1", "_parameters", layout.RecurrentKernel(layer).PropertyName + "Offset", Invariant(width), "_parameters", recurrentBias, "0", $"_recurrent{i}", "0", Invariant(width)));
        writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetAfterForward({SpanOf($"_gates{i}", "0", "gateStep")}, {SpanOf($"_recurrent{i}", "0", "gateStep", readOnly: true)}, default, {SpanOf(h, "0", "step")}, {u}, {HardSigmoidArgument});");
        EmitTimeLoop(writer, 1, Spec.SeqLen - 1, descending: false, t =>
        {
            EmitMaskRecurrentState(writer, layer, t);
            EmitRecurrentProduct(writer, layout, layer, t, 0, width, "_parameters", recurrentBias, "0", $"_recurrent{i}", $"{t} * gateStep");
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetAfterForward({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep")}, {SpanOf($"_recurrent{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf(h, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(h, $"{t} * step", "step")}, {u}, {HardSigmoidArgument});");
        });
    }

    public override void EmitBackward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index;
        int u = layer.Units;
        int width = layer.GateWidth;
        int last = Spec.SeqLen - 1;
        string h = ModelLayout.HiddenField(layer);
        string dh = ModelLayout.HiddenGradientField(layer);
        EmitStepSizes(writer, layer, "h");
        writer.WriteLine("// Through time, last step first: both sides of dz_t, dL/dh_(t-1) += dh⊙z, then dL/dh_(t-1) += dz_rec·Uᵀ.");
        EmitTimeLoop(writer, 1, last, descending: true, t =>
        {
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetAfterBackward({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf($"_recurrent{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf(h, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(dh, $"{t} * step", "step", readOnly: true)}, {SpanOf($"_dGates{i}", $"{t} * gateStep", "gateStep")}, {SpanOf($"_dRecurrent{i}", $"{t} * gateStep", "gateStep")}, {SpanOf(dh, $"({t} - 1) * step", "step")}, {u}, {HardSigmoidArgument});");
            EmitRecurrentStateGradient(writer, layer, t, $"_dRecurrent{i}", 0, width);
        });
        writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetAfterBackward({SpanOf($"_gates{i}", "0", "gateStep", readOnly: true)}, {SpanOf($"_recurrent{i}", "0", "gateStep", readOnly: true)}, default, {SpanOf(dh, "0", "step", readOnly: true)}, {SpanOf($"_dGates{i}", "0", "gateStep")}, {SpanOf($"_dRecurrent{i}", "0", "gateStep")}, default, {u}, {HardSigmoidArgument});");
        if (last > 0)
        {
            writer.WriteLine($"// dU += Σ_(t≥1) h_(t-1)ᵀ·dz_rec,t.");
            EmitRecurrentWeightGradient(writer, layout, layer, $"_dRecurrent{i}", 0, width);
        }

        writer.WriteLine("// db_1 += Σ_t Σ_b dz_rec,t[b] (b_1 enters every step, the first included).");
        writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.AddColumnSums({SpanOf($"_dRecurrent{i}", "0", $"{Spec.SeqLen} * gateStep", readOnly: true)}, {width}, {SpanOf("_gradients", $"{layout.Bias(layer).PropertyName}Offset + {width}", Invariant(width))});");
        EmitInputGradients(writer, layout, layer, $"_dGates{i}");
    }
}

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
        new BufferSpec($"_dGates{layer.Index}", layer.GateWidth, PerStep: false, "dL/dz_t"),
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
        EmitInputProjection(writer, layout, layer, $"_gates{i}");
        writer.WriteLine("// t = 0: h_(-1) = 0, so z, r and ĥ see x_0·W + b alone.");
        writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeGates({SpanOf($"_gates{i}", "0", "gateStep")}, default, {SpanOf($"_resetHidden{i}", "0", "step")}, {u}, {HardSigmoidArgument});");
        writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeOutput({SpanOf($"_gates{i}", "0", "gateStep")}, default, {SpanOf(h, "0", "step")}, {u});");
        EmitTimeLoop(writer, 1, Spec.SeqLen - 1, descending: false, t =>
        {
            EmitMaskRecurrentState(writer, layer, t);
            writer.WriteLine($"// [x_z, x_r] += h_(t-1)·U_zr (columns 0 … {2 * u - 1} of U).");
            EmitRecurrentProduct(writer, layout, layer, t, 0, 2 * u, $"_gates{i}", $"{t} * gateStep", Invariant(width), $"_gates{i}", $"{t} * gateStep");
            string resetSource = RecurrentDropout ? SpanOf("recurrentInput", $"2 * recurrentGroupStride + {t} * step + recurrentShift", "step", readOnly: true) : SpanOf(h, $"({t} - 1) * step", "step", readOnly: true);
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeGates({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep")}, {resetSource}, {SpanOf($"_resetHidden{i}", $"{t} * step", "step")}, {u}, {HardSigmoidArgument});");
            writer.WriteLine("// x_h += (r⊙h_(t-1))·U_h (the last u columns of U).");
            writer.WriteLine(MatMul(u, "batch", Invariant(u), $"_resetHidden{i}", $"{t} * step", Invariant(u), "1", "_parameters", $"{recurrent} + {2 * u}", Invariant(width), $"_gates{i}", $"{t} * gateStep + {2 * u}", Invariant(width), $"_gates{i}", $"{t} * gateStep + {2 * u}", Invariant(width)));
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeOutput({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep")}, {SpanOf(h, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(h, $"{t} * step", "step")}, {u});");
        });
    }

    public override void EmitBackward(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index;
        int u = layer.Units;
        int width = layer.GateWidth;
        int last = Spec.SeqLen - 1;
        string h = ModelLayout.HiddenField(layer);
        string dh = ModelLayout.HiddenGradientField(layer);
        string recurrentGradient = layout.RecurrentKernel(layer).PropertyName + "Offset";
        EmitStepSizes(writer, layer, "h");
        writer.WriteLine("// Through time, last step first: dz and da, d(r⊙h) = da·U_hᵀ, dr, then dL/dh_(t-1) += [dz, dr]·U_zrᵀ.");
        EmitTimeLoop(writer, 1, last, descending: true, t =>
        {
            writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeBackwardOutput({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf(h, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(dh, $"{t} * step", "step", readOnly: true)}, {SpanOf($"_dGates{i}", $"{t} * gateStep", "gateStep")}, {SpanOf(dh, $"({t} - 1) * step", "step")}, {u}, {HardSigmoidArgument});");
            writer.WriteLine(MatMul(u, "batch", Invariant(u), $"_dGates{i}", $"{t} * gateStep + {2 * u}", Invariant(width), "1", $"_recurrentT{i}", Invariant(2 * u * u), Invariant(u), "s_zeros", "0", "0", $"_dResetHidden{i}", "0", Invariant(u)));
            if (RecurrentDropout)
            {
                // r⊙(h_(t-1)⊙m_h): dr reads the masked state, and its gradient reaches h_(t-1) through the mask.
                writer.WriteLine($"{SpanOf($"_dHiddenPart{i}", "0", "step")}.Clear();");
                writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeBackwardReset({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf($"_droppedHidden{i}", $"2 * {Spec.SeqLen} * step + {t} * step", "step", readOnly: true)}, {SpanOf($"_dResetHidden{i}", "0", "step", readOnly: true)}, {SpanOf($"_dGates{i}", $"{t} * gateStep", "gateStep")}, {SpanOf($"_dHiddenPart{i}", "0", "step")}, {u}, {HardSigmoidArgument});");
                writer.WriteLine($"global::System.Numerics.Tensors.TensorPrimitives.MultiplyAdd({SpanOf($"_dHiddenPart{i}", "0", "step", readOnly: true)}, {SpanOf($"_recurrentMask{i}", "2 * step", "step", readOnly: true)}, {SpanOf(dh, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(dh, $"({t} - 1) * step", "step")});");
            }
            else
            {
                writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeBackwardReset({SpanOf($"_gates{i}", $"{t} * gateStep", "gateStep", readOnly: true)}, {SpanOf(h, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf($"_dResetHidden{i}", "0", "step", readOnly: true)}, {SpanOf($"_dGates{i}", $"{t} * gateStep", "gateStep")}, {SpanOf(dh, $"({t} - 1) * step", "step")}, {u}, {HardSigmoidArgument});");
            }

            EmitRecurrentStateGradient(writer, layer, t, $"_dGates{i}", 0, 2 * u);
        });
        writer.WriteLine("// t = 0: h_(-1) = 0, so dr = 0 and nothing flows further back.");
        writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeBackwardOutput({SpanOf($"_gates{i}", "0", "gateStep", readOnly: true)}, default, {SpanOf(dh, "0", "step", readOnly: true)}, {SpanOf($"_dGates{i}", "0", "gateStep")}, default, {u}, {HardSigmoidArgument});");
        writer.WriteLine($"global::RnnGen.Kernels.CellKernels.GruResetBeforeBackwardReset({SpanOf($"_gates{i}", "0", "gateStep", readOnly: true)}, default, {SpanOf($"_dResetHidden{i}", "0", "step", readOnly: true)}, {SpanOf($"_dGates{i}", "0", "gateStep")}, default, {u}, {HardSigmoidArgument});");
        if (last > 0)
        {
            writer.WriteLine("// dU_zr += Σ_(t≥1) h_(t-1)ᵀ·[dz, dr]_t and dU_h += Σ_(t≥1) (r⊙h_(t-1))ᵀ·da_t.");
            EmitRecurrentWeightGradient(writer, layout, layer, $"_dGates{i}", 0, 2 * u);
            writer.WriteLine(AddTransposedProduct(u, Invariant(u), $"{last} * batch", $"_resetHidden{i}", "step", Invariant(u), $"_dGates{i}", $"gateStep + {2 * u}", Invariant(width), "_gradients", $"{recurrentGradient} + {2 * u}", Invariant(width)));
        }

        EmitInputGradients(writer, layout, layer, $"_dGates{i}");
    }
}
