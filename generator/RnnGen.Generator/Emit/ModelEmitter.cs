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
    public static void Emit(SourceWriter writer, ModelLayout layout)
    {
        ModelSpec spec = layout.Spec;
        EmitConstants(writer, layout);
        EmitDescription(writer, layout);
        EmitFields(writer, layout);
        EmitConstructor(writer, layout);
        EmitViews(writer, layout);
        EmitEntryPoints(writer, spec);
        EmitBuffers(writer, layout);
        EmitSummary(writer, layout);
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
        }

        writer.Indentation--;
        writer.WriteLine();
        writer.WriteLine("global::RnnGen.ModelDescription global::RnnGen.IRnnModel.Description => Description;");
        writer.WriteLine();
    }

    private static void EmitFields(SourceWriter writer, ModelLayout layout)
    {
        ModelSpec spec = layout.Spec;
        int maxColumns = layout.KernelWidths.Max();
        writer.WriteLine("private readonly float[] _parameters = new float[ParameterCount];");
        writer.WriteLine("private readonly float[] _gradients = new float[ParameterCount];");
        writer.WriteLine($"private static readonly float[] s_zeros = new float[{maxColumns}]; // the init row of products that start from zero");
        foreach (LayerSpec layer in spec.Layers)
        {
            writer.WriteLine($"private readonly float[] _kernelT{layer.Index} = new float[{layer.GateWidth * layer.InputSize}]; // Wᵀ of {layer.KerasName}: [{layer.GateWidth}, {layer.InputSize}]");
            writer.WriteLine($"private readonly float[] _recurrentT{layer.Index} = new float[{layer.GateWidth * layer.Units}]; // Uᵀ of {layer.KerasName}: [{layer.GateWidth}, {layer.Units}]");
        }

        writer.WriteLine("// The embedding rows the last backward pass wrote (stamped with _usedRowStamp), so clearing is O(rows used).");
        writer.WriteLine("private readonly int[] _rowStamps = new int[Vocab];");
        writer.WriteLine("private int _usedRowStamp = 1;");
        writer.WriteLine("private int[] _usedRows = [];");
        writer.WriteLine("private int _usedRowCount;");
        writer.WriteLine("// Batch buffers, allocated for the largest batch seen (see the Model comment for shapes).");
        writer.WriteLine("private int _batchCapacity;");
        writer.WriteLine("private float[] _embedded = [];");
        writer.WriteLine("private float[] _dEmbedded = [];");
        CellEmitter cell = CellEmitter.For(spec);
        foreach (LayerSpec layer in spec.Layers)
        {
            writer.WriteLine($"private float[] {ModelLayout.HiddenField(layer)} = [];");
            writer.WriteLine($"private float[] {ModelLayout.HiddenGradientField(layer)} = [];");
            foreach (BufferSpec buffer in cell.AllBuffers(layer))
            {
                writer.WriteLine($"private float[] {buffer.Field} = [];");
            }
        }

        if (spec.HasDropout)
        {
            writer.WriteLine("private readonly global::RnnGen.RnnRandom _dropoutRandom; // its own stream, so dropout does not shift the initial weights");
            writer.WriteLine("private bool _training; // dropout applies in ComputeGradients and TrainStep only");
        }

        writer.WriteLine("private int _logitsOfTraining; // the batch whose training forward pass left its logits in _logits");
        writer.WriteLine("private float[] _logits = [];");
        writer.WriteLine("private float[] _dLogits = [];");
        writer.WriteLine();
    }

    private static void EmitConstructor(SourceWriter writer, ModelLayout layout)
    {
        ModelSpec spec = layout.Spec;
        writer.WriteLine("/// <summary>Creates the model with Keras' default initializers, drawn from <paramref name=\"seed\"/>; one seed gives the same weights on every run.</summary>");
        using (writer.WriteBlock($"public {spec.TypeName}(int seed = 0)"))
        {
            writer.WriteLine("var random = new global::RnnGen.RnnRandom(seed);");
            if (spec.HasDropout)
            {
                writer.WriteLine("_dropoutRandom = new global::RnnGen.RnnRandom(~(long)seed);");
            }

            foreach (TensorLayout tensor in layout.Tensors)
            {
                string view = tensor.PropertyName;
                switch (tensor.Initializer)
                {
                    case InitializerKind.EmbeddingUniform:
                        writer.WriteLine($"global::RnnGen.Initializers.Uniform({view}, -0.05f, 0.05f, random);");
                        break;
                    case InitializerKind.GlorotUniform:
                        writer.WriteLine($"global::RnnGen.Initializers.GlorotUniform({view}, {tensor.Rows}, {tensor.Columns}, random);");
                        break;
                    case InitializerKind.Orthogonal:
                        writer.WriteLine($"global::RnnGen.Initializers.Orthogonal({view}, {tensor.Rows}, {tensor.Columns}, random);");
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
        writer.WriteLine("/// <inheritdoc cref=\"global::RnnGen.IRnnModel.ComputeGradients\"/>");
        using (writer.WriteBlock("public float ComputeGradients(global::System.ReadOnlySpan<int> tokens, global::System.ReadOnlySpan<float> labels)"))
        {
            writer.WriteLine("int batch = global::RnnGen.ModelInput.CheckTokens(tokens, Vocab, SeqLen);");
            writer.WriteLine("global::RnnGen.ModelInput.CheckLabels(labels, batch);");
            writer.WriteLine("EnsureBatchCapacity(batch);");
            if (spec.HasDropout)
            {
                writer.WriteLine("_training = true;");
                writer.WriteLine("DrawDropoutMasks(batch);");
            }

            writer.WriteLine("Forward(tokens, batch);");
            writer.WriteLine("float loss = global::RnnGen.BinaryCrossEntropy.MeanLossAndGradient(new global::System.ReadOnlySpan<float>(_logits, 0, batch), labels, new global::System.Span<float>(_dLogits, 0, batch));");
            writer.WriteLine("Backward(tokens, batch);");
            writer.WriteLine("_logitsOfTraining = batch;");
            writer.WriteLine("return loss;");
        }

        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc cref=\"global::RnnGen.IRnnModel.TrainStep\"/>");
        using (writer.WriteBlock("public float TrainStep(global::System.ReadOnlySpan<int> tokens, global::System.ReadOnlySpan<float> labels, global::RnnGen.Optimizer optimizer)"))
        {
            writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(optimizer);");
            writer.WriteLine("float loss = ComputeGradients(tokens, labels);");
            writer.WriteLine("optimizer.Step(_parameters, _gradients);");
            writer.WriteLine("return loss;");
        }

        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc cref=\"global::RnnGen.IRnnModel.PredictLogits\"/>");
        using (writer.WriteBlock("public void PredictLogits(global::System.ReadOnlySpan<int> tokens, global::System.Span<float> logits)"))
        {
            writer.WriteLine("int batch = global::RnnGen.ModelInput.CheckTokens(tokens, Vocab, SeqLen);");
            writer.WriteLine("global::RnnGen.ModelInput.CheckOutput(logits.Length, batch, nameof(logits));");
            writer.WriteLine("EnsureBatchCapacity(batch);");
            writer.WriteLine("_logitsOfTraining = 0;");
            if (spec.HasDropout)
            {
                writer.WriteLine("_training = false;");
            }

            writer.WriteLine("Forward(tokens, batch);");
            writer.WriteLine("new global::System.ReadOnlySpan<float>(_logits, 0, batch).CopyTo(logits);");
        }

        writer.WriteLine();
        writer.WriteLine("/// <summary>The logits of the last training forward pass (<see cref=\"ComputeGradients\"/>), computed before the weights changed.</summary>");
        writer.WriteLine("public global::System.ReadOnlySpan<float> Logits => new global::System.ReadOnlySpan<float>(_logits, 0, _logitsOfTraining);");
        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc cref=\"global::RnnGen.IRnnModel.Predict\"/>");
        using (writer.WriteBlock("public void Predict(global::System.ReadOnlySpan<int> tokens, global::System.Span<float> probabilities)"))
        {
            writer.WriteLine("PredictLogits(tokens, probabilities);");
            writer.WriteLine("global::RnnGen.Kernels.Activations.SigmoidInPlace(probabilities);");
        }

        writer.WriteLine();
        writer.WriteLine("/// <summary>Returns the probability σ(logit) of every sample of a <c>[batch, SeqLen]</c> token batch.</summary>");
        using (writer.WriteBlock("public float[] Predict(global::System.ReadOnlySpan<int> tokens)"))
        {
            writer.WriteLine("var probabilities = new float[global::RnnGen.ModelInput.CheckTokens(tokens, Vocab, SeqLen)];");
            writer.WriteLine("Predict(tokens, probabilities);");
            writer.WriteLine("return probabilities;");
        }

        writer.WriteLine();
    }

    private static void EmitBuffers(SourceWriter writer, ModelLayout layout)
    {
        ModelSpec spec = layout.Spec;
        int widest = Math.Max(spec.Embed, spec.Layers.Max(static l => l.GateWidth));
        writer.WriteLine("/// <summary>Allocates the batch buffers when a batch is larger than any before; afterwards a step allocates nothing.</summary>");
        using (writer.WriteBlock("private void EnsureBatchCapacity(int batch)"))
        {
            using (writer.WriteBlock("if (batch <= _batchCapacity)"))
            {
                writer.WriteLine("return;");
            }

            using (writer.WriteBlock($"if ((long)SeqLen * batch * {widest} > global::System.Array.MaxLength)"))
            {
                writer.WriteLine($"throw new global::System.ArgumentOutOfRangeException(nameof(batch), batch, $\"A batch of {{batch}} sequences of {{SeqLen}} steps needs more than one array can hold per layer; split it into smaller batches.\");");
            }

            writer.WriteLine("_embedded = new float[SeqLen * batch * Embed];");
            writer.WriteLine("_dEmbedded = new float[SeqLen * batch * Embed];");
            CellEmitter cell = CellEmitter.For(spec);
            foreach (LayerSpec layer in spec.Layers)
            {
                writer.WriteLine($"{ModelLayout.HiddenField(layer)} = new float[SeqLen * batch * {layer.Units}];");
                writer.WriteLine($"{ModelLayout.HiddenGradientField(layer)} = new float[SeqLen * batch * {layer.Units}];");
                foreach (BufferSpec buffer in cell.AllBuffers(layer))
                {
                    writer.WriteLine(buffer.PerStep
                        ? $"{buffer.Field} = new float[batch * {buffer.Width}];"
                        : $"{buffer.Field} = new float[SeqLen * batch * {buffer.Width}];");
                }
            }

            writer.WriteLine("_logits = new float[batch];");
            writer.WriteLine("_dLogits = new float[batch];");
            writer.WriteLine("var usedRows = new int[global::System.Math.Min(Vocab, SeqLen * batch)];");
            writer.WriteLine("global::System.Array.Copy(_usedRows, usedRows, _usedRowCount);");
            writer.WriteLine("_usedRows = usedRows;");
            writer.WriteLine("_batchCapacity = batch;");
        }

        writer.WriteLine();
    }

    private static void EmitSummary(SourceWriter writer, ModelLayout layout)
    {
        writer.WriteLine("/// <summary>The Keras-style summary (tf.keras 2.9+ layout): layers, output shapes, parameter counts.</summary>");
        writer.WriteLine("public string Summary() => SummaryText;");
        writer.WriteLine();
        writer.WriteLine("private const string SummaryText =");
        writer.Indentation++;
        string[] lines = layout.SummaryText().TrimEnd('\n').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string literal = "\"" + lines[i].Replace("\\", "\\\\").Replace("\"", "\\\"") + "\\n\"";
            writer.WriteLine(i < lines.Length - 1 ? literal + " +" : literal + ";");
        }

        writer.Indentation--;
    }
}
