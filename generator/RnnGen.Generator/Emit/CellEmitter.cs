using System.Globalization;
using RnnGen.Generator.Emit.Cells;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>A matrix operand of a kernel call: element [0, 0] at <c>Array[Offset]</c>, rows <c>RowStride</c> floats apart.</summary>
internal readonly record struct Operand(string Array, string Offset, string RowStride)
{
    public string Reference => $"ref At({Array}, {Offset})";
}

/// <summary>
/// A batch buffer a cell needs: [SeqLen, B, Width] for a sequence, [B, Width] for one step's scratch
/// (<paramref name="PerStep"/>), or, for gate gradients, the steps of one backward chunk (<paramref name="BackwardChunk"/>,
/// see <see cref="CellEmitter.GateGradientRow"/>).
/// </summary>
internal sealed record BufferSpec(string Field, int Width, bool PerStep, string Description, bool BackwardChunk = false);

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

    /// <summary>The layer as Keras writes it, and for a copy of a Bidirectional level which copy (the backward one runs in reversed time).</summary>
    public string Describe(LayerSpec layer) => layer.Wrapper is null
        ? KerasLayer(layer)
        : $"{(layer.GoBackwards ? "backward copy (go_backwards=True: its t = 0 reads x_(T-1))" : "forward copy")} of Bidirectional({KerasLayer(layer)})";

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

    protected string HardSigmoidArgument => Spec.RecurrentActivation == RecurrentActivationKind.HardSigmoid ? "hardSigmoid: true" : "hardSigmoid: false";

    protected static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>expression + offset</c>, leaving out a side that is 0, so the generated code stays plain.</summary>
    protected static string Plus(string expression, int offset) => (expression, offset) switch
    {
        (_, 0) => expression,
        ("0", _) => Invariant(offset),
        _ => $"{expression} + {Invariant(offset)}",
    };

    /// <summary><c>a + b</c> of two offset expressions, leaving out a side that is 0, so the generated code stays plain.</summary>
    protected static string Sum(string a, string b) => (a, b) switch
    {
        ("0", _) => b,
        (_, "0") => a,
        _ => $"{a} + {b}",
    };

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

    /// <summary>
    /// A call of <c>MatMul{columns}</c>, c = init + a·b over <paramref name="steps"/> inner steps (a's elements
    /// <paramref name="aStepStride"/> apart), written with named arguments, one operand per line.
    /// </summary>
    protected string MatMul(int columns, string rows, string steps, Operand a, string aStepStride, Operand b, Operand init, Operand c) =>
        $"{KernelsClass}.{KernelEmitter.KernelName(columns)}(\n" +
        $"    rows: {rows}, steps: {steps},\n" +
        $"    a: {a.Reference}, aRowStride: {a.RowStride}, aStepStride: {aStepStride},\n" +
        $"    b: {b.Reference}, bRowStride: {b.RowStride},\n" +
        $"    init: {init.Reference}, initRowStride: {init.RowStride},\n" +
        $"    c: {c.Reference}, cRowStride: {c.RowStride});";

    /// <summary>A call of <c>AddTransposedProduct{columns}</c>, c += aᵀ·b, where a's rows are its columns (a.RowStride is its step stride).</summary>
    protected string AddTransposedProduct(int columns, string rows, string steps, Operand a, Operand b, Operand c) =>
        $"{KernelsClass}.{KernelEmitter.TransposedKernelName(columns)}(\n" +
        $"    rows: {rows}, steps: {steps},\n" +
        $"    a: {a.Reference}, aStepStride: {a.RowStride},\n" +
        $"    b: {b.Reference}, bRowStride: {b.RowStride},\n" +
        $"    c: {c.Reference}, cRowStride: {c.RowStride});";

    private string KernelsClass => KernelsFileEmitter.Qualified(KernelsFileEmitter.ClassFor(Spec.AssemblyName));

    /// <summary><c>array[offset, offset + length)</c> as a span, through the model's Slice helpers (offsets are nint).</summary>
    protected static string SpanOf(string array, string offset, string length, bool readOnly = false) =>
        $"{(readOnly ? "ReadOnlySlice" : "Slice")}({array}, {offset}, {length})";

    // ---- Masking (docs/keras-conventions.md, Masking): at a padded step a row's state carries over, and its gradient passes
    // straight to the previous step; the cell's backward then sees a zero gradient for that row, so its gates get none.

    /// <summary>With mask_zero, after step <paramref name="t"/>'s forward: padded rows of <paramref name="field"/> take step t−1's (zeros at t = 0).</summary>
    protected void EmitCarryMasked(SourceWriter writer, LayerSpec layer, string t, string field)
    {
        if (!Spec.MaskZero)
        {
            return;
        }

        string previous = t == "0" ? "default" : SpanOf(field, $"({t} - 1) * step", "step", readOnly: true);
        writer.WriteLine($"global::RnnGen.Kernels.MaskKernels.CarryMasked({SpanOf(ModelLayout.MaskField(layer), $"{t} * batch", "batch", readOnly: true)}, {SpanOf(field, $"{t} * step", "step")}, {previous}, {Invariant(layer.Units)});");
    }

    /// <summary>
    /// With mask_zero, opens <c>if (step t has a real token)</c> around a step's products and cell kernels: a step where
    /// every row is padding changes nothing (the carry copies the state), so its work is skipped outright. Without
    /// masking, no block.
    /// </summary>
    protected IDisposable? UnlessAllPadding(SourceWriter writer, LayerSpec layer, string t) =>
        // A skipped step leaves the slots the weight gradients read (times a zero gate gradient) as a previous batch left
        // them; they are cleared, so that a non-finite value from an earlier batch cannot turn 0 into NaN.
        SkipWhenAllPadding(writer, layer, t, StepSlotsReadByWeightGradients(layer, t));

    /// <summary>The step-t slots, besides h, that the weight gradients read: the masked copies of h_(t−1) under recurrent dropout.</summary>
    protected virtual IEnumerable<string> StepSlotsReadByWeightGradients(LayerSpec layer, string t)
    {
        if (!RecurrentDropout)
        {
            yield break;
        }

        for (int k = 0; k < Groups(layer); k++)
        {
            yield return SpanOf($"_droppedHidden{layer.Index}", $"{Group(k, $"{Spec.SeqLen} * step")} + {t} * step", "step");
        }
    }

    /// <summary>
    /// With mask_zero, the backward of a step where every row is padding: nothing but the pass-through, and zeros for the
    /// step's slots of the gate gradients <paramref name="gateGradients"/>, which the weight gradients sum over all steps.
    /// </summary>
    protected IDisposable? BackwardUnlessAllPadding(SourceWriter writer, LayerSpec layer, string t, params string[] gateGradients) =>
        SkipWhenAllPadding(writer, layer, t, gateGradients.Select(field => SpanOf(field, GateGradientRow(t), "gateStep")));

    /// <summary>
    /// The one mechanism behind both: with mask_zero, <c>if (step t is all padding) { clear the slots } else {</c> (or
    /// <c>if (!all padding) {</c> when there is nothing to clear); the caller writes the step's work into the open block.
    /// </summary>
    private IDisposable? SkipWhenAllPadding(SourceWriter writer, LayerSpec layer, string t, IEnumerable<string> clearedSlots)
    {
        if (!Spec.MaskZero)
        {
            return null;
        }

        string allPadding = $"global::RnnGen.Kernels.MaskKernels.IsAllPadding({SpanOf(ModelLayout.MaskField(layer), $"{t} * batch", "batch", readOnly: true)})";
        string[] slots = [.. clearedSlots];
        if (slots.Length == 0)
        {
            return writer.WriteBlock($"if (!{allPadding})");
        }

        using (writer.WriteBlock($"if ({allPadding})"))
        {
            foreach (string slot in slots)
            {
                writer.WriteLine($"{slot}.Clear();");
            }
        }

        return writer.WriteBlock("else");
    }

    /// <summary>With mask_zero, before step <paramref name="t"/>'s backward: padded rows of dL/dh_t move into dL/dh_(t−1).</summary>
    protected void EmitPassThroughMasked(SourceWriter writer, LayerSpec layer, string t)
    {
        if (!Spec.MaskZero)
        {
            return;
        }

        string dh = ModelLayout.HiddenGradientField(layer);
        string previous = t == "0" ? "default" : SpanOf(dh, $"({t} - 1) * step", "step");
        writer.WriteLine($"global::RnnGen.Kernels.MaskKernels.PassThroughMasked({SpanOf(ModelLayout.MaskField(layer), $"{t} * batch", "batch", readOnly: true)}, {SpanOf(dh, $"{t} * step", "step")}, {previous}, {Invariant(layer.Units)});");
    }

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
    /// Opens a layer's forward pass: the sources the products read, which are the masked copies x_t⊙m_k in training (written
    /// step chunk by step chunk, <see cref="EmitMaskInputs"/>) and the plain buffers in evaluation (where dropout is off).
    /// </summary>
    protected void EmitDropoutPrologue(SourceWriter writer, ModelLayout layout, LayerSpec layer)
    {
        int i = layer.Index, d = layer.InputSize;
        if (InputDropout)
        {
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

    /// <summary>
    /// In training with input dropout, x_t⊙m_k for the <paramref name="length"/> floats of the input from
    /// <paramref name="offset"/> and every mask k, into the masked copies the projections and dW read (one mask per batch,
    /// reused at every step).
    /// </summary>
    private void EmitMaskInputs(SourceWriter writer, ModelLayout layout, LayerSpec layer, string offset, string length)
    {
        if (!InputDropout)
        {
            return;
        }

        int i = layer.Index, d = layer.InputSize;
        using (writer.WriteBlock("if (_training)"))
        {
            writer.WriteLine("// Input dropout: x_t⊙m_k for these steps and every mask k, read by the projections below and by dW.");
            for (int k = 0; k < Groups(layer); k++)
            {
                string target = Sum(Group(k, $"{Spec.SeqLen} * batch * {d}"), offset);
                writer.WriteLine($"global::RnnGen.Kernels.DropoutKernels.MaskSequence({SpanOf(layout.InputField(layer), offset, length, readOnly: true)}, {SpanOf($"_inputMask{i}", Group(k, $"batch * {d}"), $"batch * {d}", readOnly: true)}, {SpanOf($"_droppedInput{i}", target, length)}, accumulate: false);");
            }
        }
    }

    /// <summary>
    /// Emits a layer's forward pass over time: the input projections x_t·W + b into <paramref name="target"/> (rows of
    /// the gate width, <paramref name="stepFloats"/> floats per step), then step 0 (<paramref name="firstStep"/>, where
    /// h_(−1) = 0) and steps 1 … T−1 (<paramref name="step"/>, given the step's expression). The projections of all T
    /// steps at once would go to memory and come back at each step (32.8 MB of gates for LSTM(32) over 500 steps at
    /// B = 128); instead each chunk of steps (<c>MatrixOps.StepsPerChunk</c>, L2-sized) is projected just before its
    /// steps read it. Every gate element is the same product either way, so the bits do not change. With <c>Unroll</c>
    /// the steps are constant blocks, and the projection stays one product over all steps.
    /// </summary>
    /// <summary>
    /// Whether prediction keeps the gates of one forward chunk only: training keeps every step's gates for backward, at
    /// t·gateStep; prediction (<c>_training</c> false) needs each step's gates only until its cell has run, so every chunk
    /// reuses the first chunk's slots (t·gateStep − gateShift, gateShift = t0·gateStep), which stay in cache instead of
    /// going to memory (32.8 MB per 128 rows for LSTM(32) over 500 steps). The values are the same either way. Not with
    /// <c>Unroll</c> (one projection over all steps) nor for a cell whose projections are its h (SimpleRNN).
    /// </summary>
    protected virtual bool PredictionReusesGateChunk => !Spec.Unroll;

    /// <summary>The offset of step <paramref name="t"/>'s gate rows in the forward pass (see <see cref="PredictionReusesGateChunk"/>).</summary>
    protected string GateRow(string t) => (PredictionReusesGateChunk, t) switch
    {
        (false, _) => $"{t} * gateStep",
        (true, "0") => "0", // step 0 is in the chunk t0 = 0, whose shift is 0
        _ => $"{t} * gateStep - gateShift",
    };

    protected void EmitForwardSteps(SourceWriter writer, ModelLayout layout, LayerSpec layer, string target, string stepFloats, Action firstStep, Action<string> step)
    {
        int last = Spec.SeqLen - 1;
        if (Spec.Unroll)
        {
            EmitInputProjection(writer, layout, layer, target, stepFloats, wholeSequence: true);
            firstStep();
            EmitTimeLoop(writer, 1, last, descending: false, step);
            return;
        }

        writer.WriteLine("// Chunks of steps that stay in L2: each chunk's input projections just before its steps read them.");
        writer.WriteLine($"int chunkSteps = global::RnnGen.Kernels.MatrixOps.StepsPerChunk({stepFloats});");
        using (writer.WriteBlock($"for (int t0 = 0; t0 < {Spec.SeqLen}; t0 += chunkSteps)"))
        {
            writer.WriteLine($"int t1 = global::System.Math.Min(t0 + chunkSteps, {Spec.SeqLen});");
            if (PredictionReusesGateChunk)
            {
                writer.WriteLine($"nint gateShift = _training ? 0 : t0 * {stepFloats}; // prediction reuses the first chunk's gate slots");
            }

            EmitInputProjection(writer, layout, layer, target, stepFloats, wholeSequence: false);
            using (writer.WriteBlock("if (t0 == 0)"))
            {
                firstStep();
            }

            if (last >= 1)
            {
                using (writer.WriteBlock("for (int t = global::System.Math.Max(t0, 1); t < t1; t++)"))
                {
                    step("t");
                }
            }
        }
    }

    /// <summary>
    /// The input projections of all steps (<paramref name="wholeSequence"/>) or of the chunk [t0, t1) into
    /// <paramref name="target"/> (<paramref name="stepFloats"/> floats per step), one product per mask, bias row included:
    /// gates[t] = x_t·W + b; with input dropout, in training, the masked inputs of the same steps first.
    /// </summary>
    private void EmitInputProjection(SourceWriter writer, ModelLayout layout, LayerSpec layer, string target, string stepFloats, bool wholeSequence)
    {
        int d = layer.InputSize;
        int width = layer.GateWidth;
        string kernel = layout.Kernel(layer).PropertyName + "Offset";
        string bias = layout.Bias(layer).PropertyName + "Offset";
        (string steps, string rowsText, string rows, string inputOffset, string targetOffset) = wholeSequence
            ? ($"all {Spec.SeqLen} steps", $"{Spec.SeqLen}·B", $"{Spec.SeqLen} * batch", "0", "0")
            : ("the chunk's steps", "(t1 − t0)·B", "(t1 - t0) * batch", $"t0 * batch * {d}", PredictionReusesGateChunk ? $"t0 * {stepFloats} - gateShift" : $"t0 * {stepFloats}");
        EmitMaskInputs(writer, layout, layer, inputOffset, $"{rows} * {d}");
        if (!InputDropout)
        {
            writer.WriteLine($"// Input projections of {steps} as one [{rowsText}, {d}]·[{d}, {width}] product, with the bias: x_t·W + b.");
            writer.WriteLine(MatMul(width, rows, Invariant(d), new(layout.InputField(layer), inputOffset, Invariant(d)), "1", new("_parameters", kernel, Invariant(width)), new("_parameters", bias, "0"), new(target, targetOffset, Invariant(width))));
            return;
        }

        int groups = Groups(layer);
        int groupWidth = width / groups;
        writer.WriteLine($"// Input projections of {steps}, one product per mask (gate columns [k·{groupWidth}, (k+1)·{groupWidth})): (x_t⊙m_k)·W_k + b_k.");
        for (int k = 0; k < groups; k++)
        {
            writer.WriteLine(MatMul(groupWidth, rows, Invariant(d), new("projectionInput", Sum(Group(k, "projectionGroupStride"), inputOffset), Invariant(d)), "1", new("_parameters", Plus(kernel, k * groupWidth), Invariant(width)), new("_parameters", Plus(bias, k * groupWidth), "0"), new(target, Plus(targetOffset, k * groupWidth), Invariant(width))));
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
            writer.WriteLine(MatMul(count, "batch", Invariant(u), new(ModelLayout.HiddenField(layer), $"({t} - 1) * step", Invariant(u)), "1", new("_parameters", Plus(recurrent, first), Invariant(width)), new(init, Plus(initOffset, first), initStride), new(target, Plus(targetOffset, first), Invariant(width))));
            return;
        }

        int groupWidth = width / Groups(layer);
        for (int k = first / groupWidth; k < (first + count) / groupWidth; k++)
        {
            writer.WriteLine(MatMul(groupWidth, "batch", Invariant(u), new("recurrentInput", $"{Group(k, "recurrentGroupStride")} + {t} * step + recurrentShift", Invariant(u)), "1", new("_parameters", Plus(recurrent, k * groupWidth), Invariant(width)), new(init, Plus(initOffset, k * groupWidth), initStride), new(target, Plus(targetOffset, k * groupWidth), Invariant(width))));
        }
    }

    /// <summary>
    /// Whether the layer's backward writes the first part of dL/dh_(t−1) for t ≥ 1 instead of adding it to a cleared
    /// buffer (LSTM and SimpleRNN: dz_t·Uᵀ from init <c>s_zeros</c>; GRU: its kernel's 0 + dh⊙z), so the steps
    /// before the last of the gradient buffer need no clearing: for LSTM(32) over 500 steps, 4 MB of stores per 64-row
    /// shard and as many loads of zeros. A top layer (only its last step reaches the head), without masking (padded rows
    /// pass dL/dh_t on into dL/dh_(t−1) first) or recurrent dropout (each gate's part is added through its mask), of a cell
    /// that can (<see cref="CanWriteStateGradientFresh"/>). 0 + x is what adding to a cleared row gives, so the bits do
    /// not change.
    /// </summary>
    public bool WritesStateGradientFresh(ModelLayout layout, LayerSpec layer) =>
        CanWriteStateGradientFresh && !Spec.MaskZero && !RecurrentDropout && layout.TopLayers.Contains(layer);

    /// <summary>Whether the cell's first contribution to dL/dh_(t−1) can be written instead of added (see <see cref="WritesStateGradientFresh"/>).</summary>
    protected abstract bool CanWriteStateGradientFresh { get; }

    /// <summary>
    /// dL/dh_(t-1) += dz_t[:, cols]·U[:, cols]ᵀ for the gate columns [first, first + count) (⊙ each mask with dropout),
    /// or = when <paramref name="fresh"/> (<see cref="WritesStateGradientFresh"/>).
    /// </summary>
    protected void EmitRecurrentStateGradient(SourceWriter writer, LayerSpec layer, string t, string dz, int first, int count, bool fresh = false)
    {
        int i = layer.Index, u = layer.Units, width = layer.GateWidth;
        string dh = ModelLayout.HiddenGradientField(layer);
        if (!RecurrentDropout)
        {
            Operand init = fresh ? new("s_zeros", "0", "0") : new(dh, $"({t} - 1) * step", Invariant(u));
            writer.WriteLine(MatMul(u, "batch", Invariant(count), new(dz, Plus(GateGradientRow(t), first), Invariant(width)), "1", new($"_recurrentT{i}", Invariant(first * u), Invariant(u)), init, new(dh, $"({t} - 1) * step", Invariant(u))));
            return;
        }

        int groupWidth = width / Groups(layer);
        for (int k = first / groupWidth; k < (first + count) / groupWidth; k++)
        {
            writer.WriteLine(MatMul(u, "batch", Invariant(groupWidth), new(dz, Plus(GateGradientRow(t), k * groupWidth), Invariant(width)), "1", new($"_recurrentT{i}", Invariant(k * groupWidth * u), Invariant(u)), new("s_zeros", "0", "0"), new($"_dHiddenPart{i}", "0", Invariant(u))));
            writer.WriteLine($"global::System.Numerics.Tensors.TensorPrimitives.MultiplyAdd({SpanOf($"_dHiddenPart{i}", "0", "step", readOnly: true)}, {SpanOf($"_recurrentMask{i}", Group(k, "step"), "step", readOnly: true)}, {SpanOf(dh, $"({t} - 1) * step", "step", readOnly: true)}, {SpanOf(dh, $"({t} - 1) * step", "step")});");
        }
    }

    /// <summary>
    /// Whether the gate gradients live in buffers of one backward chunk of steps (<see cref="BufferSpec.BackwardChunk"/>):
    /// each chunk's weight gradients read its dz right after its steps wrote it (<see cref="EmitBackwardSteps"/>), so dz
    /// needs no slot per step of the sequence, and one chunk's 512 KB, reused, stays in cache instead of 32.8 MB going
    /// to memory and back (LSTM(32) over 500 steps at B = 128). Not with <c>Unroll</c>, whose weight gradients run
    /// after all steps, nor for a cell whose gate gradients are its dL/dh buffer (SimpleRNN's da).
    /// </summary>
    protected virtual bool GateGradientsInChunks => !Spec.Unroll;

    /// <summary>
    /// The offset of step <paramref name="t"/>'s row block of the gate gradients: (t − t0)·gateStep in a chunk buffer, whose
    /// slot 0 is the chunk's first step t0, or t·gateStep where the buffer spans the sequence.
    /// </summary>
    protected string GateGradientRow(string t) => (GateGradientsInChunks, t) switch
    {
        (false, _) => $"{t} * gateStep",
        (true, "t0" or "0") => "0", // step 0 is slot 0 of the chunk t0 = 0
        _ => $"({t} - t0) * gateStep",
    };

    /// <summary>
    /// The rows of the current chunk's dU products: dz_t for t in [tr, t1), paired with h_(t-1) (see
    /// <see cref="EmitBackwardSteps"/>).
    /// </summary>
    protected const string RecurrentChunkRows = "(t1 - tr) * batch";

    /// <summary>
    /// Emits backpropagation through time and the weight gradients: the steps T−1 … 1 (<paramref name="step"/>, given the
    /// step's expression) and step 0 (<paramref name="firstStep"/>, where h_(−1) = 0), then dW, dU, db and dL/dx_t, which
    /// read the gate gradients <paramref name="dGates"/>. The steps run in chunks [t0, t1) of
    /// <c>MatrixOps.StepsPerBackwardChunk</c> steps, last chunk first, and each chunk's gradients are taken right after
    /// its steps, while its dz (512 KB) is still in cache: after the whole time loop, dz (T·B·gates floats, 32.8 MB for
    /// LSTM(32) over 500 steps at B = 128) would come back from memory. So each weight-gradient element adds the chunks
    /// last first and the steps within a chunk in ascending order (the kernels load the partial sums and store them
    /// back, which is exact). The chunk boundaries depend on the shard's row count and the layer's widths alone, never on
    /// the vector width or the thread count, so the bits are the same on every path; each row of dL/dx_t is its own
    /// product. With <c>Unroll</c> the steps are constant blocks and the same chunk loop follows them, so an unrolled
    /// model gives the bits of its looped twin. <paramref name="recurrentWeights"/> emits the dU products of the chunk
    /// (from step tr = max(t0, 1), see <see cref="RecurrentChunkRows"/>), when there are steps t ≥ 1;
    /// <paramref name="recurrentBias"/>, if given, what else reads the chunk's recurrent-side gradients.
    /// </summary>
    protected void EmitBackwardSteps(SourceWriter writer, ModelLayout layout, LayerSpec layer, string dGates, Action<string> step, Action firstStep, Action recurrentWeights, Action? recurrentBias = null)
    {
        int last = Spec.SeqLen - 1;
        if (Spec.Unroll)
        {
            EmitTimeLoop(writer, 1, last, descending: true, step);
            firstStep();
        }

        writer.WriteLine(Spec.Unroll
            ? "// The weight gradients and dL/dx_t chunk by chunk, last chunk first, in the order of the looped time loop."
            : "// Chunks of steps that stay in L2, last chunk first: its steps, then its weight gradients and dL/dx_t.");
        writer.WriteLine("int chunkSteps = global::RnnGen.Kernels.MatrixOps.StepsPerBackwardChunk(gateStep);");
        using (writer.WriteBlock($"for (int t0 = {Invariant(last)} / chunkSteps * chunkSteps; t0 >= 0; t0 -= chunkSteps)"))
        {
            writer.WriteLine($"int t1 = global::System.Math.Min(t0 + chunkSteps, {Spec.SeqLen});");
            if (!Spec.Unroll)
            {
                if (last >= 1)
                {
                    using (writer.WriteBlock("for (int t = t1 - 1; t >= global::System.Math.Max(t0, 1); t--)"))
                    {
                        step("t");
                    }
                }

                using (writer.WriteBlock("if (t0 == 0)"))
                {
                    firstStep();
                }
            }

            if (last >= 1)
            {
                writer.WriteLine("int tr = global::System.Math.Max(t0, 1); // dU pairs dz_t with h_(t-1), so its steps start at 1");
                recurrentWeights();
            }

            recurrentBias?.Invoke();
            EmitInputGradients(writer, layout, layer, dGates);
        }
    }

    /// <summary>dU[:, cols] += Σ_(t in [tr, t1)) h_(t-1)ᵀ·dz_t[:, cols] (the masked states with dropout).</summary>
    protected void EmitRecurrentWeightGradient(SourceWriter writer, ModelLayout layout, LayerSpec layer, string dz, int first, int count)
    {
        int i = layer.Index, u = layer.Units, width = layer.GateWidth;
        string gradient = layout.RecurrentKernel(layer).PropertyName + "Offset";
        if (!RecurrentDropout)
        {
            writer.WriteLine(AddTransposedProduct(count, Invariant(u), RecurrentChunkRows, new(ModelLayout.HiddenField(layer), "(tr - 1) * step", Invariant(u)), new(dz, Plus(GateGradientRow("tr"), first), Invariant(width)), new("_gradients", Plus(gradient, first), Invariant(width))));
            return;
        }

        int groupWidth = width / Groups(layer);
        for (int k = first / groupWidth; k < (first + count) / groupWidth; k++)
        {
            writer.WriteLine(AddTransposedProduct(groupWidth, Invariant(u), RecurrentChunkRows, new($"_droppedHidden{i}", $"{Group(k, $"{Spec.SeqLen} * step")} + tr * step", Invariant(u)), new(dz, Plus(GateGradientRow("tr"), k * groupWidth), Invariant(width)), new("_gradients", Plus(gradient, k * groupWidth), Invariant(width))));
        }
    }

    /// <summary>
    /// The input-side gradients of the chunk [t0, t1), shared by all cells: dW += Σ_t x_tᵀ·dz_t, db += Σ dz_t, and
    /// dL/dx_t = dz_t·Wᵀ (⊙ masks).
    /// </summary>
    private void EmitInputGradients(SourceWriter writer, ModelLayout layout, LayerSpec layer, string dGates)
    {
        int i = layer.Index;
        int d = layer.InputSize;
        int width = layer.GateWidth;
        int groups = InputDropout ? Groups(layer) : 1;
        int groupWidth = width / groups;
        string kernelGradient = layout.Kernel(layer).PropertyName + "Offset";
        string dx = layout.InputGradientField(layer);
        const string Rows = "(t1 - t0) * batch";
        string inputChunk = $"t0 * batch * {d}";
        writer.WriteLine($"// dW += Σ_t x_tᵀ·dz_t over the chunk's rows{(InputDropout ? ", with the masked inputs x_t⊙m_k" : string.Empty)}.");
        for (int k = 0; k < groups; k++)
        {
            string input = InputDropout ? $"_droppedInput{i}" : layout.InputField(layer);
            writer.WriteLine(AddTransposedProduct(groupWidth, Invariant(d), Rows, new(input, Sum(Group(k, $"{Spec.SeqLen} * batch * {d}"), inputChunk), Invariant(d)), new(dGates, Plus(GateGradientRow("t0"), k * groupWidth), Invariant(width)), new("_gradients", Plus(kernelGradient, k * groupWidth), Invariant(width))));
        }

        writer.WriteLine("// db += Σ_t Σ_b dz_t[b].");
        writer.WriteLine($"global::RnnGen.Kernels.MatrixOps.AddColumnSums({SpanOf(dGates, GateGradientRow("t0"), "(t1 - t0) * gateStep", readOnly: true)}, {width}, {SpanOf("_gradients", layout.Bias(layer).PropertyName + "Offset", Invariant(width))});");
        writer.WriteLine($"// dL/dx_t = dz_t·Wᵀ for the chunk's steps{(InputDropout ? ", ⊙ the input mask(s)" : string.Empty)}, into {dx}.");
        string chunk = $"(t1 - t0) * batch * {d}";
        if (groups == 1)
        {
            writer.WriteLine(MatMul(d, Rows, Invariant(width), new(dGates, GateGradientRow("t0"), Invariant(width)), "1", new($"_kernelT{i}", "0", Invariant(d)), new("s_zeros", "0", "0"), new(dx, inputChunk, Invariant(d))));
            if (InputDropout)
            {
                writer.WriteLine($"global::RnnGen.Kernels.DropoutKernels.MaskSequence({SpanOf(dx, inputChunk, chunk, readOnly: true)}, {SpanOf($"_inputMask{i}", "0", $"batch * {d}", readOnly: true)}, {SpanOf(dx, inputChunk, chunk)}, accumulate: false);");
            }

            return;
        }

        for (int k = 0; k < groups; k++)
        {
            writer.WriteLine(MatMul(d, Rows, Invariant(groupWidth), new(dGates, Plus(GateGradientRow("t0"), k * groupWidth), Invariant(width)), "1", new($"_kernelT{i}", Invariant(k * groupWidth * d), Invariant(d)), new("s_zeros", "0", "0"), new($"_dInputPart{i}", "0", Invariant(d))));
            writer.WriteLine($"global::RnnGen.Kernels.DropoutKernels.MaskSequence({SpanOf($"_dInputPart{i}", "0", chunk, readOnly: true)}, {SpanOf($"_inputMask{i}", Group(k, $"batch * {d}"), $"batch * {d}", readOnly: true)}, {SpanOf(dx, inputChunk, chunk)}, accumulate: {(k > 0 ? "true" : "false")});");
        }
    }
}
