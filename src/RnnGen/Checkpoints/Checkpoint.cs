using System.Globalization;
using RnnGen.Callbacks;
using RnnGen.Initialization;
using RnnGen.Optimizers;
using RnnGen.Training;

namespace RnnGen.Checkpoints;

/// <summary>
/// Saves and loads RnnGen checkpoints: safetensors files that Python's <c>safetensors</c> and PyTorch read as they are.
/// The model's tensors come first under their Keras names (<c>embedding/embeddings</c>, <c>simple_rnn/kernel</c>, ...),
/// then the optimizer's state slots as <c>optimizer/adam/m/&lt;tensor&gt;</c>; <c>__metadata__</c> holds the format
/// marker and version, the model spec, the optimizer's name, hyperparameters and step count, and the training position.
/// </summary>
public static class Checkpoint
{
    /// <summary>
    /// Writes a checkpoint atomically: into a temporary file beside <paramref name="path"/>, flushed to disk, then moved
    /// over <paramref name="path"/>. A crash at any point leaves the previous checkpoint whole; a leftover temporary file
    /// (<c>.name.*.tmp</c>) is never read as a checkpoint and is removed by the next successful save.
    /// </summary>
    public static void Save(string path, IRnnModel model, Optimizer? optimizer = null, TrainingPosition? position = null) =>
        Save(path, model, optimizer, position, wrapStream: null);

    /// <summary><see cref="Save(string, IRnnModel, Optimizer?, TrainingPosition?)"/>, with a hook that wraps the file stream (tests use it to fail mid-write).</summary>
    internal static void Save(string path, IRnnModel model, Optimizer? optimizer, TrainingPosition? position, Func<Stream, Stream>? wrapStream)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ModelDescription description = model.Description;
        ReadOnlySpan<float> parameters = model.Parameters;
        if (parameters.Length != description.ParameterCount)
        {
            throw new InvalidOperationException($"The model has {parameters.Length} parameters, but its description lists {description.ParameterCount}.");
        }

        bool hasSlots = optimizer is not null && optimizer.GetSlot(0).Length > 0;
        var entries = new List<(string Name, int[] Shape)>();
        foreach (TensorInfo tensor in description.Tensors)
        {
            entries.Add((tensor.Name, tensor.Shape));
        }

        if (hasSlots)
        {
            foreach (string slot in optimizer!.SlotNames)
            {
                foreach (TensorInfo tensor in description.Tensors)
                {
                    entries.Add((CheckpointMetadata.SlotTensorName(optimizer.Name, slot, tensor.Name), tensor.Shape));
                }
            }
        }

        // Callback states' arrays (EarlyStopping's best weights) as 1-D tensors "callback.{name}/{tensor}", after the slots.
        var callbackTensors = new List<float[]>();
        foreach ((string name, CallbackState state) in position?.Callbacks ?? new Dictionary<string, CallbackState>())
        {
            foreach ((string tensor, float[] values) in state.Tensors)
            {
                entries.Add((CheckpointMetadata.CallbackTensorName(name, tensor), [values.Length]));
                callbackTensors.Add(values);
            }
        }

        SafeTensorInfo[] layout = SafeTensors.Layout(entries);
        Dictionary<string, string> metadata = BuildMetadata(model, optimizer, position);

        string fullPath = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(fullPath)!, TemporaryPrefix(fullPath) + Guid.NewGuid().ToString("N") + ".tmp");
        IO.AtomicFile.Write(fullPath, file =>
        {
            Stream stream = wrapStream?.Invoke(file) ?? file;
            SafeTensors.WriteHeader(stream, layout, metadata);
            SafeTensors.WriteData(stream, model.Parameters);
            if (hasSlots)
            {
                for (int slot = 0; slot < optimizer!.SlotNames.Count; slot++)
                {
                    SafeTensors.WriteData(stream, optimizer.GetSlot(slot));
                }
            }

            foreach (float[] values in callbackTensors)
            {
                SafeTensors.WriteData(stream, values);
            }

            stream.Flush();
        }, temporary);

        DeleteLeftovers(fullPath);
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="model"/> (and the optimizer state into <paramref name="optimizer"/>, or
    /// into an optimizer rebuilt from the saved hyperparameters when it is <see langword="null"/>). Everything is checked
    /// before anything is changed: the file structure, the format, and that every tensor of the model is present as F32
    /// with the model's shape. On any failure the model and optimizer are left as they were.
    /// </summary>
    /// <exception cref="CheckpointException">The file is corrupt or truncated (the message names it), or it was saved from
    /// a model of another shape or cell (the message names the tensor and both shapes).</exception>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">The model whose parameters it replaces.</param>
    /// <param name="optimizer">
    /// The optimizer whose state it replaces (step count, state slots and learning rate), or null to rebuild the saved one.
    /// </param>
    /// <param name="allowNonFinite">
    /// Whether NaN or infinite weights and optimizer state are accepted. By default they are an error: a model that
    /// diverged would otherwise load silently and predict NaN.
    /// </param>
    public static TrainingCheckpoint Load(string path, IRnnModel model, Optimizer? optimizer = null, bool allowNonFinite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ModelDescription description = model.Description;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        SafeTensorsHeader header;
        try
        {
            header = SafeTensors.ReadHeader(file, path);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new CheckpointException(path, $"Checkpoint {e.Message}", e);
        }

        IReadOnlyDictionary<string, string> metadata = header.Metadata;
        CheckFormat(path, metadata);
        string savedSpec = metadata.GetValueOrDefault(CheckpointMetadata.ModelSpec) ?? "an unknown model";
        CheckModelTensors(path, header, description, savedSpec);

        string? savedOptimizer = metadata.GetValueOrDefault(CheckpointMetadata.OptimizerName);
        long iterations = savedOptimizer is null ? 0 : ParseLong(path, metadata, CheckpointMetadata.OptimizerIterations);
        if (optimizer is not null && savedOptimizer is not null && optimizer.Name != savedOptimizer)
        {
            throw new CheckpointException(path, $"Checkpoint '{path}' holds the state of a '{savedOptimizer}' optimizer, which cannot be loaded into '{optimizer.Name}'. Pass a {savedOptimizer} optimizer, or none to rebuild it from the checkpoint.");
        }

        Optimizer? target = optimizer ?? (savedOptimizer is null ? null : CreateOptimizer(path, metadata, savedOptimizer));

        // A schedule (ReduceLROnPlateau) may have lowered the rate the caller's optimizer was built with; the run resumes
        // at the saved one, as Keras restores optimizer.learning_rate with the optimizer's variables.
        float? savedLearningRate = optimizer is not null && savedOptimizer is not null ? ParseLearningRate(path, metadata) : null;
        List<SafeTensorInfo>? slotTensors = target is null || savedOptimizer is null ? null : FindSlotTensors(path, header, description, target, iterations);
        TrainingPosition? position = ReadPosition(path, metadata);
        RnnRandomState? dropoutState = null;
        if (model.DropoutRandom is not null && metadata.TryGetValue(CheckpointMetadata.ModelDropoutRandomState, out string? dropoutText))
        {
            try
            {
                dropoutState = RnnRandomState.Parse(dropoutText);
            }
            catch (FormatException e)
            {
                throw new CheckpointException(path, $"Checkpoint '{path}' has an unreadable {CheckpointMetadata.ModelDropoutRandomState}: {e.Message}", e);
            }
        }

        // Read everything before changing anything, so that a failure leaves the model and optimizer untouched.
        float[] parameters = new float[description.ParameterCount];
        var slots = new List<float[]>();
        try
        {
            foreach (TensorInfo tensor in description.Tensors)
            {
                SafeTensors.ReadData(file, header, header.Find(tensor.Name)!, parameters.AsSpan(tensor.Offset, tensor.Length));
            }

            if (target is not null && slotTensors is not null)
            {
                for (int slot = 0; slot < target.SlotNames.Count; slot++)
                {
                    float[] values = new float[description.ParameterCount];
                    if (slotTensors.Count > 0)
                    {
                        for (int t = 0; t < description.Tensors.Length; t++)
                        {
                            TensorInfo tensor = description.Tensors[t];
                            SafeTensors.ReadData(file, header, slotTensors[(slot * description.Tensors.Length) + t], values.AsSpan(tensor.Offset, tensor.Length));
                        }
                    }

                    slots.Add(values);
                }
            }

            if (position is not null)
            {
                position = position with { Callbacks = ReadCallbackStates(path, file, header, description) };
            }
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException(path, $"Checkpoint '{path}' ended while its tensors were read; it is truncated or was changed while loading.", e);
        }

        if (!allowNonFinite)
        {
            CheckFinite(path, description, parameters, what: "weight");
            for (int slot = 0; slot < slots.Count; slot++)
            {
                CheckFinite(path, description, slots[slot], what: $"optimizer '{target!.SlotNames[slot]}' value");
            }
        }

        parameters.CopyTo(model.Parameters);
        if (dropoutState is { } restoredDropout)
        {
            model.DropoutRandom!.RestoreState(restoredDropout);
        }

        if (target is not null && slotTensors is not null)
        {
            target.RestoreState(iterations, slots);
        }

        if (savedLearningRate is float learningRate)
        {
            target!.LearningRate = learningRate;
        }

        return new TrainingCheckpoint(path, metadata, target, position);
    }

    /// <summary>Reads only the header of a checkpoint or any safetensors file (tensor table and metadata), validated.</summary>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return SafeTensors.ReadHeader(file, path);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new CheckpointException(path, $"Checkpoint {e.Message}", e);
        }
    }

    private static Dictionary<string, string> BuildMetadata(IRnnModel model, Optimizer? optimizer, TrainingPosition? position)
    {
        ModelDescription d = model.Description;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CheckpointMetadata.Format] = CheckpointMetadata.FormatName,
            [CheckpointMetadata.FormatVersion] = Invariant(CheckpointMetadata.CurrentVersion),
            [CheckpointMetadata.ModelSpec] = d.SpecText,
            [CheckpointMetadata.ModelName] = d.Name,
            [CheckpointMetadata.ModelCell] = d.Cell.ToString(),
            [CheckpointMetadata.ModelActivation] = d.Activation.ToString(),
            [CheckpointMetadata.ModelVocab] = Invariant(d.Vocab),
            [CheckpointMetadata.ModelEmbed] = Invariant(d.Embed),
            [CheckpointMetadata.ModelUnits] = Invariant(d.Units),
            [CheckpointMetadata.ModelLayers] = Invariant(d.Layers),
            [CheckpointMetadata.ModelSeqLen] = Invariant(d.SeqLen),
            [CheckpointMetadata.ModelParameters] = Invariant(d.ParameterCount),
        };

        if (model.DropoutRandom is { } dropoutRandom)
        {
            metadata[CheckpointMetadata.ModelDropoutRandomState] = dropoutRandom.State.ToString();
        }

        if (optimizer is not null)
        {
            metadata[CheckpointMetadata.OptimizerName] = optimizer.Name;
            metadata[CheckpointMetadata.OptimizerIterations] = Invariant(optimizer.Iterations);
            metadata[CheckpointMetadata.OptimizerLearningRate] = Invariant(optimizer.LearningRate);
            foreach ((string name, string value) in optimizer.Settings)
            {
                metadata[CheckpointMetadata.OptimizerSetting(name)] = value;
            }
        }

        if (position is not null)
        {
            metadata[CheckpointMetadata.TrainingEpoch] = Invariant(position.Epoch);
            metadata[CheckpointMetadata.TrainingStep] = Invariant(position.Step);
            metadata[CheckpointMetadata.TrainingBatchSize] = Invariant(position.BatchSize);
            metadata[CheckpointMetadata.TrainingSamples] = Invariant(position.Samples);
            metadata[CheckpointMetadata.TrainingShuffle] = position.Shuffle ? "true" : "false";
            if (position.BucketByLength)
            {
                metadata[CheckpointMetadata.TrainingBucketByLength] = "true";
            }
            metadata[CheckpointMetadata.TrainingSeed] = Invariant(position.Seed);
            metadata[CheckpointMetadata.TrainingRandomState] = position.RandomState.ToString();
            foreach ((string name, CallbackState state) in position.Callbacks ?? new Dictionary<string, CallbackState>())
            {
                metadata[CheckpointMetadata.CallbackPrefix + name] = string.Join(',', state.Tensors.Keys.Order(StringComparer.Ordinal));
                foreach ((string key, string value) in state.Values)
                {
                    metadata[CheckpointMetadata.CallbackValueName(name, key)] = value;
                }
            }
            metadata[CheckpointMetadata.TrainingLossSum] = position.LossSum.ToString("R", CultureInfo.InvariantCulture);
            metadata[CheckpointMetadata.TrainingCorrect] = Invariant(position.Correct);
            metadata[CheckpointMetadata.TrainingSeen] = Invariant(position.Seen);
            metadata[CheckpointMetadata.TrainingHistory] = position.History.ToJson(indented: false);
        }

        return metadata;
    }

    private static void CheckFormat(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.GetValueOrDefault(CheckpointMetadata.Format) != CheckpointMetadata.FormatName)
        {
            throw new CheckpointException(path, $"'{path}' is a safetensors file but not an RnnGen checkpoint: its __metadata__ lacks \"{CheckpointMetadata.Format}\": \"{CheckpointMetadata.FormatName}\".");
        }

        if (!int.TryParse(metadata.GetValueOrDefault(CheckpointMetadata.FormatVersion), NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
        {
            throw new CheckpointException(path, $"Checkpoint '{path}' has no valid {CheckpointMetadata.FormatVersion} in its __metadata__.");
        }

        if (version > CheckpointMetadata.CurrentVersion)
        {
            throw new CheckpointException(path, $"Checkpoint '{path}' has format version {version}; this build of RnnGen reads versions up to {CheckpointMetadata.CurrentVersion}. Update RnnGen to load it.");
        }
    }

    private static void CheckModelTensors(string path, SafeTensorsHeader header, ModelDescription description, string savedSpec)
    {
        string Mismatch(string detail) =>
            $"Checkpoint '{path}' does not fit model {description.SpecText}: {detail}. The checkpoint was saved from {savedSpec}.";

        var modelTensors = header.Tensors
            .Where(t => !t.Name.StartsWith("optimizer/", StringComparison.Ordinal) && !t.Name.StartsWith(CheckpointMetadata.CallbackPrefix, StringComparison.Ordinal))
            .ToList();
        for (int i = 0; i < description.Tensors.Length; i++)
        {
            TensorInfo expected = description.Tensors[i];
            SafeTensorInfo? found = header.Find(expected.Name);
            if (found is null)
            {
                // A different cell or depth renames tensors; the tensor at the same position usually shows which.
                string instead = i < modelTensors.Count
                    ? $"; in its place the checkpoint has '{modelTensors[i].Name}' with shape {modelTensors[i].ShapeText}"
                    : "";
                throw new CheckpointException(path, Mismatch($"the model's tensor '{expected.Name}' with shape {expected.ShapeText} is missing from the checkpoint{instead}"));
            }

            if (found.DType != SafeTensors.F32)
            {
                throw new CheckpointException(path, Mismatch($"tensor '{expected.Name}' is {found.DType} in the checkpoint, but the model needs F32"));
            }

            if (!found.Shape.AsSpan().SequenceEqual(expected.Shape))
            {
                throw new CheckpointException(path, Mismatch($"tensor '{expected.Name}' has shape {found.ShapeText} in the checkpoint but {expected.ShapeText} in the model"));
            }
        }

        foreach (SafeTensorInfo tensor in modelTensors)
        {
            if (description.FindTensor(tensor.Name) is null)
            {
                throw new CheckpointException(path, Mismatch($"the checkpoint has tensor '{tensor.Name}' with shape {tensor.ShapeText}, which the model does not have"));
            }
        }

        // Tanh and relu SimpleRNNs have the same tensors; their weights still mean different things.
        string? cell = header.Metadata.GetValueOrDefault(CheckpointMetadata.ModelCell);
        string? activation = header.Metadata.GetValueOrDefault(CheckpointMetadata.ModelActivation);
        if ((cell is not null && cell != description.Cell.ToString()) || (activation is not null && activation != description.Activation.ToString()))
        {
            throw new CheckpointException(path, Mismatch($"the cell is {cell}({activation}) in the checkpoint but {description.Cell}({description.Activation}) in the model"));
        }
    }

    private static List<SafeTensorInfo> FindSlotTensors(string path, SafeTensorsHeader header, ModelDescription description, Optimizer optimizer, long iterations)
    {
        var found = new List<SafeTensorInfo>();
        string prefix = $"optimizer/{optimizer.Name}/";
        if (iterations == 0 && !header.Tensors.Any(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            // Saved before the first step: the optimizer had no state yet, which zeros restore exactly.
            return found;
        }

        foreach (string slot in optimizer.SlotNames)
        {
            foreach (TensorInfo tensor in description.Tensors)
            {
                string name = CheckpointMetadata.SlotTensorName(optimizer.Name, slot, tensor.Name);
                SafeTensorInfo? info = header.Find(name);
                if (info is null)
                {
                    throw new CheckpointException(path, $"Checkpoint '{path}' records {iterations} {optimizer.Name} steps but lacks the optimizer tensor '{name}'; it is incomplete.");
                }

                if (info.DType != SafeTensors.F32 || !info.Shape.AsSpan().SequenceEqual(tensor.Shape))
                {
                    throw new CheckpointException(path, $"Checkpoint '{path}': optimizer tensor '{name}' is {info.DType} {info.ShapeText}, but the model's '{tensor.Name}' is F32 {tensor.ShapeText}.");
                }

                found.Add(info);
            }
        }

        return found;
    }

    private static Optimizer CreateOptimizer(string path, IReadOnlyDictionary<string, string> metadata, string name)
    {
        try
        {
            return CreateOptimizerUnchecked(path, metadata, name);
        }
        catch (ArgumentException e)
        {
            // Finite but out of range for the optimizer (a negative learning rate, β outside [0, 1)): its own message says which.
            throw new CheckpointException(path, $"Checkpoint '{path}' holds settings its '{name}' optimizer rejects: {e.Message}", e);
        }
    }

    private static Optimizer CreateOptimizerUnchecked(string path, IReadOnlyDictionary<string, string> metadata, string name) =>
        Optimizer.Rebuild(
            name,
            ParseFloat(path, metadata, CheckpointMetadata.OptimizerLearningRate),
            setting => ParseFloat(path, metadata, CheckpointMetadata.OptimizerSetting(setting)),
            setting => metadata.GetValueOrDefault(CheckpointMetadata.OptimizerSetting(setting)))
        ?? throw new CheckpointException(path, $"Checkpoint '{path}' holds the state of a '{name}' optimizer, which RnnGen cannot rebuild; pass that optimizer to Load.");

    private static TrainingPosition? ReadPosition(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.ContainsKey(CheckpointMetadata.TrainingEpoch))
        {
            return null;
        }

        RnnRandomState state;
        History history;
        try
        {
            state = RnnRandomState.Parse(Required(path, metadata, CheckpointMetadata.TrainingRandomState));
            history = History.FromJson(Required(path, metadata, CheckpointMetadata.TrainingHistory));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw new CheckpointException(path, $"Checkpoint '{path}' has an unreadable training position: {e.Message}", e);
        }

        return new TrainingPosition(
            ParseInt(path, metadata, CheckpointMetadata.TrainingEpoch),
            ParseInt(path, metadata, CheckpointMetadata.TrainingStep),
            ParseInt(path, metadata, CheckpointMetadata.TrainingBatchSize),
            ParseInt(path, metadata, CheckpointMetadata.TrainingSamples),
            Required(path, metadata, CheckpointMetadata.TrainingShuffle) == "true",
            ParseLong(path, metadata, CheckpointMetadata.TrainingSeed, allowNegative: true),
            state,
            ParseDouble(path, metadata, CheckpointMetadata.TrainingLossSum),
            ParseLong(path, metadata, CheckpointMetadata.TrainingCorrect),
            ParseLong(path, metadata, CheckpointMetadata.TrainingSeen),
            history)
        {
            BucketByLength = metadata.GetValueOrDefault(CheckpointMetadata.TrainingBucketByLength) == "true",
        };
    }

    /// <summary>
    /// The callbacks' states: for each "callback.{name}" entry (which lists its tensors), the values under
    /// "callback.{name}.{key}" and the 1-D F32 tensors "callback.{name}/{tensor}", at most one model's size each.
    /// </summary>
    private static Dictionary<string, CallbackState>? ReadCallbackStates(string path, FileStream file, SafeTensorsHeader header, ModelDescription description)
    {
        Dictionary<string, CallbackState>? states = null;
        foreach ((string key, string tensorList) in header.Metadata)
        {
            if (!key.StartsWith(CheckpointMetadata.CallbackPrefix, StringComparison.Ordinal) || key.IndexOf('.', CheckpointMetadata.CallbackPrefix.Length) >= 0)
            {
                continue;
            }

            string name = key[CheckpointMetadata.CallbackPrefix.Length..];
            string valuePrefix = CheckpointMetadata.CallbackValueName(name, string.Empty);
            var values = header.Metadata.Where(e => e.Key.StartsWith(valuePrefix, StringComparison.Ordinal))
                .ToDictionary(e => e.Key[valuePrefix.Length..], e => e.Value, StringComparer.Ordinal);
            var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
            foreach (string tensor in tensorList.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                string tensorName = CheckpointMetadata.CallbackTensorName(name, tensor);
                SafeTensorInfo info = header.Find(tensorName)
                    ?? throw new CheckpointException(path, $"Checkpoint '{path}' lists the callback tensor '{tensorName}' but does not hold it.");
                if (info.DType != SafeTensors.F32 || info.Shape.Length != 1 || info.Shape[0] > description.ParameterCount)
                {
                    throw new CheckpointException(path, $"Checkpoint '{path}': callback tensor '{tensorName}' is {info.DType} {info.ShapeText}; a 1-D F32 tensor of at most {description.ParameterCount} elements was expected.");
                }

                float[] data = new float[info.Shape[0]];
                SafeTensors.ReadData(file, header, info, data);
                tensors[tensor] = data;
            }

            states ??= new Dictionary<string, CallbackState>(StringComparer.Ordinal);
            states[name] = new CallbackState(values, tensors);
        }

        return states;
    }

    /// <summary>Names the first non-finite value, by tensor and index, of a buffer in the parameter layout.</summary>
    private static void CheckFinite(string path, ModelDescription description, float[] values, string what)
    {
        int bad = Array.FindIndex(values, static v => !float.IsFinite(v));
        if (bad < 0)
        {
            return;
        }

        TensorInfo tensor = description.Tensors.First(t => bad >= t.Offset && bad < t.Offset + t.Length);
        int count = values.Count(static v => !float.IsFinite(v));
        throw new CheckpointException(path, string.Create(CultureInfo.InvariantCulture,
            $"Checkpoint '{path}' holds {count} non-finite {what}s; the first is {values[bad]} in '{tensor.Name}' at element {bad - tensor.Offset}. The model it was saved from diverged; load it with allowNonFinite: true to inspect it anyway."));
    }

    private static string Required(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.GetValueOrDefault(key) ?? throw new CheckpointException(path, $"Checkpoint '{path}' lacks the metadata entry '{key}'.");

    private static long ParseLong(string path, IReadOnlyDictionary<string, string> metadata, string key, bool allowNegative = false) =>
        long.TryParse(Required(path, metadata, key), allowNegative ? NumberStyles.AllowLeadingSign : NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new CheckpointException(path, $"Checkpoint '{path}': metadata entry '{key}' is '{metadata[key]}', not an integer.");

    // Epochs, steps, batch sizes and sample counts are ints in memory: a larger value must not wrap (4294967297 is not 1).
    private static int ParseInt(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        int.TryParse(Required(path, metadata, key), NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new CheckpointException(path, $"Checkpoint '{path}': metadata entry '{key}' is '{metadata[key]}', not an integer from 0 to {int.MaxValue}.");

    private static float ParseFloat(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        float.TryParse(Required(path, metadata, key), NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value)
            ? value
            : throw new CheckpointException(path, $"Checkpoint '{path}': metadata entry '{key}' is '{metadata[key]}', not a finite number.");

    private static float ParseLearningRate(string path, IReadOnlyDictionary<string, string> metadata)
    {
        float value = ParseFloat(path, metadata, CheckpointMetadata.OptimizerLearningRate);
        return Optimizer.IsValidLearningRate(value)
            ? value
            : throw new CheckpointException(path, $"Checkpoint '{path}': metadata entry '{CheckpointMetadata.OptimizerLearningRate}' is '{metadata[CheckpointMetadata.OptimizerLearningRate]}', not a positive learning rate.");
    }

    private static double ParseDouble(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        double.TryParse(Required(path, metadata, key), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new CheckpointException(path, $"Checkpoint '{path}': metadata entry '{key}' is '{metadata[key]}', not a finite number.");

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string TemporaryPrefix(string fullPath) => "." + Path.GetFileName(fullPath) + ".";

    // Temporary files of saves that crashed before their rename. Only this checkpoint's pattern is touched.
    private static void DeleteLeftovers(string fullPath)
    {
        string directory = Path.GetDirectoryName(fullPath)!;
        foreach (string leftover in Directory.EnumerateFiles(directory, TemporaryPrefix(fullPath) + "*.tmp"))
        {
            TryDelete(leftover);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
