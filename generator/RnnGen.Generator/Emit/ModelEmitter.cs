using System.Globalization;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Emits the model's public face: shape constants, the tensor table, named parameter views, Keras initialization,
/// the batch buffers, and the entry points (ComputeGradients, TrainStep, Predict, Summary).
/// </summary>
internal static class ModelEmitter
{
    public static void Emit(SourceWriter writer, ModelLayout layout, CellEmitter cell)
    {
        ModelSpec spec = layout.Spec;
        EmitConstants(writer, layout);
        EmitDescription(writer, layout);
        EmitFields(writer, layout, cell);
        EmitConstructor(writer, layout);
        EmitViews(writer, layout);
        EmitEntryPoints(writer, spec);
        EmitBuffers(writer, layout, cell);
        SummaryEmitter.Emit(writer, layout);
        writer.WriteLine();
        writer.WriteLine("/// <summary>A reference to <paramref name=\"array\"/>[<paramref name=\"offset\"/>] for the kernels; callers keep offsets in bounds.</summary>");
        writer.WriteLine("private static ref float At(float[] array, nint offset) =>");
        writer.WriteLine("    ref global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array), offset);");
        writer.WriteLine();
        writer.WriteLine("/// <summary><paramref name=\"array\"/>[offset, offset + length) as a span (offsets are nint: a step is (nint)batch·width floats).</summary>");
        writer.WriteLine("private static global::System.Span<float> Slice(float[] array, nint offset, nint length) => new(array, (int)offset, (int)length);");
        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc cref=\"Slice\"/>");
        writer.WriteLine("private static global::System.ReadOnlySpan<float> ReadOnlySlice(float[] array, nint offset, nint length) => new(array, (int)offset, (int)length);");
    }

    private static void EmitConstants(SourceWriter writer, ModelLayout layout)
    {
        ModelSpec spec = layout.Spec;
        writer.WriteLine("/// <summary>The number of token ids; ids are in [0, Vocab).</summary>");
        writer.WriteLine($"public const int Vocab = {spec.Vocab};");
        writer.WriteLine("/// <summary>The embedding width.</summary>");
        writer.WriteLine($"public const int Embed = {spec.Embed};");
        writer.WriteLine("/// <summary>The units of every recurrent layer.</summary>");
        writer.WriteLine($"public const int Units = {spec.Units};");
        writer.WriteLine("/// <summary>The number of stacked recurrent layers.</summary>");
        writer.WriteLine($"public const int Layers = {spec.LayerCount};");
        writer.WriteLine("/// <summary>The length of every token sequence.</summary>");
        writer.WriteLine($"public const int SeqLen = {spec.SeqLen};");
        writer.WriteLine("/// <summary>The number of trainable parameters (Keras' \"Total params\").</summary>");
        writer.WriteLine($"public const int ParameterCount = {layout.ParameterCount};");
        writer.WriteLine(spec.Softmax
            ? "/// <summary>The classes of the softmax head: logits and probabilities are [batch, Classes].</summary>"
            : "/// <summary>The outputs of the head: 1, one sigmoid probability per sample.</summary>");
        writer.WriteLine($"public const int Classes = {spec.Classes};");
        writer.WriteLine();
        foreach (TensorLayout tensor in layout.Tensors)
        {
            writer.WriteLine($"private const int {tensor.PropertyName}Offset = {tensor.Offset};");
            writer.WriteLine($"private const int {tensor.PropertyName}Length = {tensor.Length};");
        }

        writer.WriteLine();
    }

    private static void EmitDescription(SourceWriter writer, ModelLayout layout)
    {
        ModelSpec spec = layout.Spec;
        writer.WriteLine("/// <summary>The shapes, cell and tensor table (Keras names and shapes, offsets into <see cref=\"Parameters\"/>).</summary>");
        writer.WriteLine("public static global::RnnGen.ModelDescription Description { get; } = new global::RnnGen.ModelDescription(");
        writer.Indentation++;
        writer.WriteLine($"\"{spec.TypeName}\", Vocab, Embed, Units, Layers, SeqLen,");
        writer.WriteLine($"global::RnnGen.RnnCell.{spec.Cell}, global::RnnGen.RnnActivation.{spec.Activation},");
        writer.WriteLine("global::System.Collections.Immutable.ImmutableArray.Create(");
        writer.Indentation++;
        for (int i = 0; i < layout.Tensors.Count; i++)
        {
            TensorLayout tensor = layout.Tensors[i];
            string separator = i < layout.Tensors.Count - 1 ? "," : "))";
            writer.WriteLine($"new global::RnnGen.TensorInfo(\"{tensor.KerasName}\", {tensor.PropertyName}Offset, {tensor.Rows}, {tensor.Columns}, {tensor.Rank}){separator}");
        }

        writer.Indentation--;
        using (writer.WriteBlock(closing: "};"))
        {
            writer.WriteLine($"RecurrentActivation = global::RnnGen.RecurrentActivation.{spec.RecurrentActivation},");
            writer.WriteLine($"ResetAfter = {(spec.ResetAfter ? "true" : "false")},");
            writer.WriteLine($"Dropout = {spec.Dropout.ToString("R", CultureInfo.InvariantCulture)},");
            writer.WriteLine($"RecurrentDropout = {spec.RecurrentDropout.ToString("R", CultureInfo.InvariantCulture)},");
            writer.WriteLine("Classes = Classes,");
            if (spec.MaskZero)
            {
                writer.WriteLine("MaskZero = true,");
            }

            if (spec.Bidirectional)
            {
                writer.WriteLine("Bidirectional = true,");
            }
        }

        writer.Indentation--;
        writer.WriteLine();
        writer.WriteLine("global::RnnGen.ModelDescription global::RnnGen.IRnnModel.Description => Description;");
        writer.WriteLine();
    }

    private static void EmitFields(SourceWriter writer, ModelLayout layout, CellEmitter cell)
    {
        ModelSpec spec = layout.Spec;
        int maxColumns = KernelsFileEmitter.KernelsOf(spec, cell).Widths.Max();
        writer.WriteLine("private readonly float[] _parameters = new float[ParameterCount];");
        writer.WriteLine("private readonly float[] _gradients = new float[ParameterCount]; // the sum of the shards' gradients, in shard order");
        writer.WriteLine($"private static readonly float[] s_zeros = new float[{maxColumns}]; // the init row of products that start from zero");
        foreach (LayerSpec layer in spec.Layers)
        {
            writer.WriteLine($"private readonly float[] _kernelT{layer.Index} = new float[{layer.GateWidth * layer.InputSize}]; // Wᵀ of {layer.KerasName}: [{layer.GateWidth}, {layer.InputSize}]");
            writer.WriteLine($"private readonly float[] _recurrentT{layer.Index} = new float[{layer.GateWidth * layer.Units}]; // Uᵀ of {layer.KerasName}: [{layer.GateWidth}, {layer.Units}]");
        }

        if (spec.HasDropout)
        {
            writer.WriteLine("private readonly global::RnnGen.Initialization.RnnRandom _dropoutRandom; // its own stream, so dropout does not shift the initial weights");
        }

        writer.WriteLine("// Data parallelism: a batch splits into a fixed number of shards (by its size alone), each with its own buffers and");
        writer.WriteLine("// gradients; the shards run on up to Threads threads and are reduced in shard order, so any thread count gives the");
        writer.WriteLine("// same bits.");
        writer.WriteLine("private readonly Shard[] _shards = new Shard[global::RnnGen.Execution.ShardPlan.MaxShards];");
        writer.WriteLine("private readonly global::RnnGen.Execution.ShardRunner _runner = new global::RnnGen.Execution.ShardRunner();");
        writer.WriteLine("// One call at a time: the buffers below are reused by every call, so a concurrent second call is refused.");
        writer.WriteLine("private readonly global::RnnGen.Execution.CallerGuard _caller = new global::RnnGen.Execution.CallerGuard();");
        writer.WriteLine("private readonly global::System.Action<int> _forwardShard;");
        writer.WriteLine("private readonly global::System.Action<int> _backwardShard;");
        writer.WriteLine("private int _shardCount;");
        writer.WriteLine("private int[] _batchTokens = []; // the batch being run, [batch, SeqLen], read by the shards");
        string logitsShape = spec.Softmax ? "[batch, Classes]" : "[batch]";
        writer.WriteLine($"private float[] _logits = []; // {logitsShape}, written by the shards");
        writer.WriteLine($"private float[] _dLogits = []; // {logitsShape}, dL/dlogit, read by the shards");
        writer.WriteLine("private int _logitsOfTraining; // the batch whose training forward pass left its logits in _logits");
        writer.WriteLine("// The embedding rows of _gradients the last reduction wrote.");
        writer.WriteLine("private readonly global::RnnGen.Kernels.RowTracker _usedRows = new global::RnnGen.Kernels.RowTracker(Vocab);");
        writer.WriteLine();
    }

    private static void EmitConstructor(SourceWriter writer, ModelLayout layout)
    {
        ModelSpec spec = layout.Spec;
        writer.WriteLine("/// <summary>");
        writer.WriteLine("/// Creates the model with Keras' default initializers, drawn from <paramref name=\"seed\"/>;");
        writer.WriteLine("/// one seed gives the same weights on every run.");
        writer.WriteLine("/// </summary>");
        using (writer.WriteBlock($"public {spec.TypeIdentifier}(int seed = 0)"))
        {
            writer.WriteLine("_forwardShard = index => _shards[index].RunForward();");
            writer.WriteLine("_backwardShard = index => _shards[index].RunBackward();");
            writer.WriteLine("var random = new global::RnnGen.Initialization.RnnRandom(seed);");
            if (spec.HasDropout)
            {
                writer.WriteLine("_dropoutRandom = new global::RnnGen.Initialization.RnnRandom(~(long)seed);");
            }

            foreach (TensorLayout tensor in layout.Tensors)
            {
                string view = tensor.PropertyName;
                switch (tensor.Initializer)
                {
                    case InitializerKind.EmbeddingUniform:
                        writer.WriteLine($"global::RnnGen.Initialization.Initializers.Uniform({view}, -0.05f, 0.05f, random);");
                        break;
                    case InitializerKind.GlorotUniform:
                        writer.WriteLine($"global::RnnGen.Initialization.Initializers.GlorotUniform({view}, {tensor.Rows}, {tensor.Columns}, random);");
                        break;
                    case InitializerKind.Orthogonal:
                        writer.WriteLine($"global::RnnGen.Initialization.Initializers.Orthogonal({view}, {tensor.Rows}, {tensor.Columns}, random);");
                        break;
                    case InitializerKind.ForgetBiasOnes:
                        writer.WriteLine($"{view}.Slice({spec.Units}, {spec.Units}).Fill(1f); // unit_forget_bias: the f block starts at 1, the rest at 0");
                        break;
                    default:
                        writer.WriteLine($"// {tensor.KerasName}: zeros.");
                        break;
                }
            }
        }

        writer.WriteLine();
    }

    private static void EmitViews(SourceWriter writer, ModelLayout layout)
    {
        writer.WriteLine("/// <summary>All parameters in one buffer, laid out as <see cref=\"Description\"/>'s tensors.</summary>");
        writer.WriteLine("public global::System.Span<float> Parameters => _parameters;");
        writer.WriteLine();
        writer.WriteLine("/// <summary>The gradients of the last <see cref=\"ComputeGradients\"/> call, in the parameter layout.</summary>");
        writer.WriteLine("public global::System.ReadOnlySpan<float> Gradients => _gradients;");
        foreach (TensorLayout tensor in layout.Tensors)
        {
            writer.WriteLine();
            writer.WriteLine($"/// <summary><c>{tensor.KerasName}</c>, {tensor.ShapeText}, row-major.</summary>");
            writer.WriteLine($"public global::System.Span<float> {tensor.PropertyName} => new global::System.Span<float>(_parameters, {tensor.PropertyName}Offset, {tensor.PropertyName}Length);");
        }

        writer.WriteLine();
    }

    private static void EmitEntryPoints(SourceWriter writer, ModelSpec spec)
    {
        writer.WriteLine("/// <summary>The number of threads a batch runs on (0: one per processor, the default). The results do not depend on it.</summary>");
        using (writer.WriteBlock("public int Threads"))
        {
            writer.WriteLine("get => _runner.Threads;");
            using (writer.WriteBlock("set"))
            {
                writer.WriteLine("using global::RnnGen.Execution.CallerGuard.Scope call = _caller.Enter(this, nameof(Threads));");
                writer.WriteLine("_runner.Threads = value;");
            }
        }

        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc cref=\"global::RnnGen.IRnnModel.ComputeGradients\"/>");
        using (writer.WriteBlock("public float ComputeGradients(global::System.ReadOnlySpan<int> tokens, global::System.ReadOnlySpan<float> labels)"))
        {
            writer.WriteLine("using global::RnnGen.Execution.CallerGuard.Scope call = _caller.Enter(this, nameof(ComputeGradients));");
            writer.WriteLine("return ComputeGradientsOfOneCaller(tokens, labels);");
        }

        writer.WriteLine();
        using (writer.WriteBlock("private float ComputeGradientsOfOneCaller(global::System.ReadOnlySpan<int> tokens, global::System.ReadOnlySpan<float> labels)"))
        {
            writer.WriteLine("int batch = global::RnnGen.Execution.ModelInput.CheckTokens(tokens, Vocab, SeqLen);");
            writer.WriteLine(spec.Softmax
                ? "global::RnnGen.Execution.ModelInput.CheckLabels(labels, batch, Classes);"
                : "global::RnnGen.Execution.ModelInput.CheckLabels(labels, batch);");
            writer.WriteLine("PrepareBatch(tokens, batch, training: true);");
            writer.WriteLine("_runner.Run(_shardCount, _forwardShard);");
            writer.WriteLine(spec.Softmax
                ? "float loss = global::RnnGen.Execution.SoftmaxCrossEntropy.MeanLossAndGradient(ReadOnlySlice(_logits, 0, batch * Classes), labels, Slice(_dLogits, 0, batch * Classes), Classes);"
                : "float loss = global::RnnGen.Execution.BinaryCrossEntropy.MeanLossAndGradient(new global::System.ReadOnlySpan<float>(_logits, 0, batch), labels, new global::System.Span<float>(_dLogits, 0, batch));");
            writer.WriteLine("TransposeWeights();");
            writer.WriteLine("_runner.Run(_shardCount, _backwardShard);");
            writer.WriteLine("ReduceGradients();");
            writer.WriteLine("_logitsOfTraining = batch;");
            writer.WriteLine("return loss;");
        }

        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc cref=\"global::RnnGen.IRnnModel.TrainStep\"/>");
        using (writer.WriteBlock("public float TrainStep(global::System.ReadOnlySpan<int> tokens, global::System.ReadOnlySpan<float> labels, global::RnnGen.Optimizers.Optimizer optimizer)"))
        {
            writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(optimizer);");
            writer.WriteLine("using global::RnnGen.Execution.CallerGuard.Scope call = _caller.Enter(this, nameof(TrainStep));");
            writer.WriteLine("float loss = ComputeGradientsOfOneCaller(tokens, labels);");
            writer.WriteLine("optimizer.Step(_parameters, _gradients, _runner); // the update in ranges on the shard threads");
            writer.WriteLine("return loss;");
        }

        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc cref=\"global::RnnGen.IRnnModel.PredictLogits\"/>");
        using (writer.WriteBlock("public void PredictLogits(global::System.ReadOnlySpan<int> tokens, global::System.Span<float> logits)"))
        {
            writer.WriteLine("using global::RnnGen.Execution.CallerGuard.Scope call = _caller.Enter(this, nameof(PredictLogits));");
            writer.WriteLine("PredictLogitsOfOneCaller(tokens, logits);");
        }

        writer.WriteLine();
        using (writer.WriteBlock("private void PredictLogitsOfOneCaller(global::System.ReadOnlySpan<int> tokens, global::System.Span<float> logits)"))
        {
            writer.WriteLine("int batch = global::RnnGen.Execution.ModelInput.CheckTokens(tokens, Vocab, SeqLen);");
            writer.WriteLine(spec.Softmax
                ? "global::RnnGen.Execution.ModelInput.CheckOutput(logits.Length, batch, Classes, nameof(logits));"
                : "global::RnnGen.Execution.ModelInput.CheckOutput(logits.Length, batch, nameof(logits));");
            writer.WriteLine("PrepareBatch(tokens, batch, training: false);");
            writer.WriteLine("_logitsOfTraining = 0;");
            writer.WriteLine("_runner.Run(_shardCount, _forwardShard);");
            writer.WriteLine($"new global::System.ReadOnlySpan<float>(_logits, 0, {PerSample(spec, "batch")}).CopyTo(logits);");
        }

        writer.WriteLine();
        if (spec.HasDropout)
        {
            writer.WriteLine("/// <summary>The generator of the dropout masks (checkpoints save and restore its state).</summary>");
            writer.WriteLine("public global::RnnGen.Initialization.RnnRandom DropoutRandom => _dropoutRandom;");
            writer.WriteLine();
        }

        writer.WriteLine("/// <summary>The logits of the last training forward pass (<see cref=\"ComputeGradients\"/>), computed before the weights changed.</summary>");
        writer.WriteLine($"public global::System.ReadOnlySpan<float> Logits => new global::System.ReadOnlySpan<float>(_logits, 0, {PerSample(spec, "_logitsOfTraining")});");
        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc cref=\"global::RnnGen.IRnnModel.Predict\"/>");
        using (writer.WriteBlock("public void Predict(global::System.ReadOnlySpan<int> tokens, global::System.Span<float> probabilities)"))
        {
            writer.WriteLine("using global::RnnGen.Execution.CallerGuard.Scope call = _caller.Enter(this, nameof(Predict));");
            writer.WriteLine("PredictLogitsOfOneCaller(tokens, probabilities);");
            writer.WriteLine(spec.Softmax
                ? "global::RnnGen.Execution.SoftmaxCrossEntropy.SoftmaxInPlace(probabilities, Classes);"
                : "global::RnnGen.Kernels.Activations.SigmoidInPlace(probabilities);");
        }

        writer.WriteLine();
        writer.WriteLine(spec.Softmax
            ? "/// <summary>Returns the class probabilities, [batch, Classes], of a <c>[batch, SeqLen]</c> token batch.</summary>"
            : "/// <summary>Returns the probability σ(logit) of every sample of a <c>[batch, SeqLen]</c> token batch.</summary>");
        using (writer.WriteBlock("public float[] Predict(global::System.ReadOnlySpan<int> tokens)"))
        {
            writer.WriteLine($"var probabilities = new float[{PerSample(spec, "global::RnnGen.Execution.ModelInput.CheckTokens(tokens, Vocab, SeqLen)")}];");
            writer.WriteLine("Predict(tokens, probabilities);");
            writer.WriteLine("return probabilities;");
        }

        writer.WriteLine();
    }

    private static void EmitBuffers(SourceWriter writer, ModelLayout layout, CellEmitter cell)
    {
        ModelSpec spec = layout.Spec;
        string embeddingLength = layout.Embedding.PropertyName + "Length";
        writer.WriteLine("/// <summary>Copies the batch's tokens and splits it into shards (ShardPlan); afterwards a step allocates nothing.</summary>");
        using (writer.WriteBlock("private void PrepareBatch(global::System.ReadOnlySpan<int> tokens, int batch, bool training)"))
        {
            using (writer.WriteBlock("if (_batchTokens.Length < tokens.Length)"))
            {
                writer.WriteLine("_batchTokens = new int[tokens.Length];");
                writer.WriteLine($"_logits = new float[{PerSample(spec, "batch")}];");
                writer.WriteLine($"_dLogits = new float[{PerSample(spec, "batch")}];");
                writer.WriteLine("_usedRows.EnsureCapacity(SeqLen * batch);");
            }

            writer.WriteLine("tokens.CopyTo(_batchTokens);");
            writer.WriteLine("_shardCount = global::RnnGen.Execution.ShardPlan.ShardCount(batch);");
            using (writer.WriteBlock("for (int s = 0; s < _shardCount; s++)"))
            {
                writer.WriteLine("int first = global::RnnGen.Execution.ShardPlan.FirstRow(s, batch, _shardCount);");
                writer.WriteLine("int rows = global::RnnGen.Execution.ShardPlan.RowCount(s, batch, _shardCount);");
                writer.WriteLine("(_shards[s] ??= new Shard(this)).Assign(first, rows, training);");
                if (spec.HasDropout)
                {
                    using (writer.WriteBlock("if (training)"))
                    {
                        writer.WriteLine("_shards[s].DrawDropoutMasks(_dropoutRandom); // in shard order, so the masks do not depend on the threads");
                    }
                }
            }
        }

        writer.WriteLine();
        writer.WriteLine("/// <summary>_gradients = Σ_s the shards' gradients, summed in shard order; only the embedding rows some shard used are touched.</summary>");
        using (writer.WriteBlock("private void ReduceGradients()"))
        {
            writer.WriteLine("var shards = new global::System.ReadOnlySpan<Shard>(_shards, 0, _shardCount);");
            writer.WriteLine($"global::RnnGen.Execution.GradientReduction.Reduce(_gradients, embeddingLength: {embeddingLength}, embed: Embed, _usedRows, shards);");
        }

        writer.WriteLine();
        EmitShard(writer, layout, cell);
        writer.WriteLine();
    }

    /// <summary>The shard class: one slice of the batch with its own buffers and gradients (forward and backward are in their files).</summary>
    private static void EmitShard(SourceWriter writer, ModelLayout layout, CellEmitter cell)
    {
        ModelSpec spec = layout.Spec;
        int widest = Math.Max(spec.Embed, spec.Layers.Max(static l => Math.Max(l.GateWidth, l.InputSize)));
        string typeName = spec.TypeIdentifier;
        writer.WriteLine("/// <summary>Rows [first, first + rows) of a batch: their activations, their gradients, and the embedding rows they used.</summary>");
        using (writer.WriteBlock("private sealed partial class Shard : global::RnnGen.Execution.IShardGradients"))
        {
            writer.WriteLine($"private readonly {typeName} _owner;");
            writer.WriteLine("private readonly float[] _parameters;");
            foreach (LayerSpec layer in spec.Layers)
            {
                writer.WriteLine($"private readonly float[] _kernelT{layer.Index};");
                writer.WriteLine($"private readonly float[] _recurrentT{layer.Index};");
            }

            writer.WriteLine("private readonly float[] _gradients = new float[ParameterCount];");
            writer.WriteLine("// The embedding rows the last backward pass wrote.");
            writer.WriteLine("private readonly global::RnnGen.Kernels.RowTracker _usedRows = new global::RnnGen.Kernels.RowTracker(Vocab);");
            writer.WriteLine("private int _firstRow;");
            writer.WriteLine("private int _rows;");
            writer.WriteLine("private bool _training; // ComputeGradients and TrainStep: dropout applies, and forward keeps what backward reads");

            writer.WriteLine("// Batch buffers, allocated for the largest shard seen (see the Model comment for shapes).");
            writer.WriteLine("private int _batchCapacity;");
            writer.WriteLine("private float[] _embedded = [];");
            writer.WriteLine("private float[] _dEmbedded = [];");
            if (spec.MaskZero)
            {
                writer.WriteLine("private float[] _mask = []; // [SeqLen, B]: 1 where the token is not padding (mask_zero)");
            }

            foreach (BidirectionalBuffer buffer in BidirectionalBuffers(spec))
            {
                writer.WriteLine($"private float[] {buffer.Field} = []; // {buffer.Description}");
            }

            foreach (LayerSpec layer in spec.Layers)
            {
                writer.WriteLine($"private float[] {ModelLayout.HiddenField(layer)} = [];");
                writer.WriteLine($"private float[] {ModelLayout.HiddenGradientField(layer)} = [];");
                foreach (BufferSpec buffer in cell.AllBuffers(layer))
                {
                    writer.WriteLine($"private float[] {buffer.Field} = [];");
                }
            }

            writer.WriteLine();
            using (writer.WriteBlock($"public Shard({typeName} owner)"))
            {
                writer.WriteLine("_owner = owner;");
                writer.WriteLine("_parameters = owner._parameters;");
                foreach (LayerSpec layer in spec.Layers)
                {
                    writer.WriteLine($"_kernelT{layer.Index} = owner._kernelT{layer.Index};");
                    writer.WriteLine($"_recurrentT{layer.Index} = owner._recurrentT{layer.Index};");
                }
            }

            writer.WriteLine();
            writer.WriteLine("public float[] Gradients => _gradients;");
            writer.WriteLine();
            writer.WriteLine("public global::RnnGen.Kernels.RowTracker UsedRows => _usedRows;");
            writer.WriteLine();
            writer.WriteLine("private global::System.ReadOnlySpan<int> Tokens => new global::System.ReadOnlySpan<int>(_owner._batchTokens, _firstRow * SeqLen, _rows * SeqLen);");
            writer.WriteLine();
            using (writer.WriteBlock("public void Assign(int firstRow, int rows, bool training)"))
            {
                writer.WriteLine("_firstRow = firstRow;");
                writer.WriteLine("_rows = rows;");
                writer.WriteLine("_training = training;");

                writer.WriteLine("EnsureBatchCapacity(rows);");
            }

            writer.WriteLine();
            writer.WriteLine("public void RunForward() => Forward(Tokens, _rows);");
            writer.WriteLine();
            writer.WriteLine("public void RunBackward() => Backward(Tokens, _rows);");
            writer.WriteLine();
            writer.WriteLine("/// <summary>Allocates the buffers when the shard is larger than any before.</summary>");
            using (writer.WriteBlock("private void EnsureBatchCapacity(int batch)"))
            {
                using (writer.WriteBlock("if (batch <= _batchCapacity)"))
                {
                    writer.WriteLine("return;");
                }

                writer.WriteLine($"global::RnnGen.Execution.ShardPlan.CheckCapacity(batch, SeqLen, width: {widest}); // the widest buffer's floats per step");
                writer.WriteLine("_embedded = new float[SeqLen * batch * Embed];");
                writer.WriteLine("_dEmbedded = new float[SeqLen * batch * Embed];");
                if (spec.MaskZero)
                {
                    writer.WriteLine("_mask = new float[SeqLen * batch];");
                }

                foreach (BidirectionalBuffer buffer in BidirectionalBuffers(spec))
                {
                    writer.WriteLine($"{buffer.Field} = new float[{buffer.Size}];");
                }

                foreach (LayerSpec layer in spec.Layers)
                {
                    writer.WriteLine($"{ModelLayout.HiddenField(layer)} = new float[SeqLen * batch * {layer.Units}];");
                    writer.WriteLine($"{ModelLayout.HiddenGradientField(layer)} = new float[SeqLen * batch * {layer.Units}];");
                    foreach (BufferSpec buffer in cell.AllBuffers(layer))
                    {
                        writer.WriteLine(buffer switch
                        {
                            { PerStep: true } => $"{buffer.Field} = new float[batch * {buffer.Width}];",
                            { BackwardChunk: true } when !spec.Unroll => $"{buffer.Field} = new float[global::RnnGen.Kernels.MatrixOps.BackwardChunkCapacity(SeqLen, batch * {buffer.Width})]; // one backward chunk of steps",
                            _ => $"{buffer.Field} = new float[SeqLen * batch * {buffer.Width}];",
                        });
                    }
                }

                writer.WriteLine("_usedRows.EnsureCapacity(SeqLen * batch);");
                writer.WriteLine("_batchCapacity = batch;");
            }
        }
    }

    /// <summary>A shard buffer that only Bidirectional models have; <paramref name="Size"/> is its length for a shard of <c>batch</c> rows.</summary>
    private sealed record BidirectionalBuffer(string Field, string Size, string Description);

    /// <summary>The reversed inputs of the backward copies, the merged outputs of the levels below the top, and the head's input [f | b].</summary>
    private static IEnumerable<BidirectionalBuffer> BidirectionalBuffers(ModelSpec spec)
    {
        if (!spec.Bidirectional)
        {
            yield break;
        }

        yield return new("_embeddedReversed", "SeqLen * batch * Embed", "[SeqLen, B, Embed]: the embedded tokens in reversed time");
        yield return new("_dEmbeddedReversed", "SeqLen * batch * Embed", "[SeqLen, B, Embed]: dL/d of it");
        if (spec.MaskZero)
        {
            yield return new("_maskReversed", "SeqLen * batch", "[SeqLen, B]: the mask in reversed time");
        }

        for (int level = 0; level < spec.LayerCount - 1; level++)
        {
            string merged = ModelLayout.MergedField(level);
            string dMerged = ModelLayout.MergedGradientField(level);
            yield return new(merged, "SeqLen * batch * 2 * Units", $"[SeqLen, B, 2u]: level {level}'s merged output [f_t | b_t]");
            yield return new(ModelLayout.ReversedField(merged), "SeqLen * batch * 2 * Units", "the same in reversed time");
            yield return new(dMerged, "SeqLen * batch * 2 * Units", $"dL/d{merged}, from the next forward copy");
            yield return new(ModelLayout.ReversedField(dMerged), "SeqLen * batch * 2 * Units", $"dL/d{ModelLayout.ReversedField(merged)}, from the next backward copy");
        }

        yield return new("_headInput", "batch * 2 * Units", "[B, 2u]: [f_(T-1) | b_0] into the Dense head");
        yield return new("_dHeadInput", "batch * 2 * Units", "[B, 2u]: dL/d of it");
    }

    /// <summary>The floats of the head's output for <paramref name="samples"/> samples: one each, or Classes each.</summary>
    private static string PerSample(ModelSpec spec, string samples) => spec.Softmax ? $"{samples} * Classes" : samples;
}
