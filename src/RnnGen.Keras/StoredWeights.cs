using System.Globalization;
using System.Buffers.Binary;
using RnnGen.Keras.Hdf5;

namespace RnnGen.Keras;

/// <summary>One weight array in a Keras HDF5 file: where it is, its variable name where the file gives one, and its shape.</summary>
internal sealed record StoredWeight(string Where, string? Variable, ulong[] Dims, HdfDataset Dataset)
{
    public string ShapeText => Dims.Length == 1 ? $"({Dims[0]},)" : $"({string.Join(", ", Dims)})";

    /// <summary>
    /// Reads the array as float32 after checking its element type; float64 arrays (a model built with dtype float64) are
    /// narrowed. The shape was checked before, so nothing larger than the model's tensor is allocated.
    /// </summary>
    public void ReadInto(Span<float> target, string file)
    {
        HdfType type = Dataset.Type;
        if (type.Class != HdfType.FloatClass || type.Size is not (4 or 8) || !type.LittleEndian)
        {
            throw new KerasFileException($"{file}: {Where} holds {type.Describe()}{(type.LittleEndian ? string.Empty : " (big-endian)")}; RnnGen reads little-endian float32 and float64 weights (a bfloat16 or float16 variable is not supported).");
        }

        ReadOnlySpan<byte> raw = Dataset.RawData();
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = type.Size == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..])
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]);
        }
    }
}

/// <summary>
/// A Keras layer's weights as a file stores them, in the model's order: the embedding, each recurrent layer (3 arrays,
/// or 6 for a Bidirectional layer: forward kernel, recurrent kernel, bias, then backward), the Dense head (2 arrays).
/// </summary>
/// <remarks><paramref name="NameIsClassPath"/>: Keras 3 names a layer's group after its class (<c>lstm_1</c>), so the name
/// must be the model's; a legacy file uses the layer's own name, which the user may have chosen.</remarks>
internal sealed record StoredLayer(string Name, IReadOnlyList<StoredWeight> Weights, bool NameIsClassPath = false);

/// <summary>
/// Lists the weights of the two HDF5 layouts Keras writes, and maps them onto a model's tensors.
/// </summary>
internal static class StoredWeights
{
    /// <summary>
    /// Keras 3 (<c>.weights.h5</c>, and <c>model.weights.h5</c> inside <c>.keras</c>): <c>layers/&lt;class path&gt;/vars/0, 1, …</c>,
    /// a recurrent layer's under <c>cell/vars</c>, a Bidirectional layer's under <c>forward_layer/cell/vars</c> and
    /// <c>backward_layer/cell/vars</c>. HDF5 lists groups by name, so the model order comes from the roles: the
    /// embedding, the recurrent layers by their number (<c>lstm</c>, <c>lstm_1</c>, …), the Dense head.
    /// </summary>
    public static IReadOnlyList<StoredLayer> Keras3(HdfGroup root, string file)
    {
        if (root.Find("layers") is not HdfGroup layers)
        {
            throw new KerasFileException($"{file}: no 'layers' group, so not a Keras 3 weights file.");
        }

        var embedding = new List<StoredLayer>();
        var recurrent = new List<(int Number, StoredLayer Layer)>();
        var dense = new List<StoredLayer>();
        foreach (HdfObject child in layers.Members())
        {
            if (child is not HdfGroup group)
            {
                continue;
            }

            string name = child.Name;
            (string kind, int number) = SplitNumber(name);
            string where = $"layers/{name}";
            switch (kind)
            {
                case "embedding":
                    embedding.Add(new StoredLayer(name, Vars(group, "vars", where), NameIsClassPath: true));
                    break;
                case "simple_rnn" or "lstm" or "gru":
                    recurrent.Add((number, new StoredLayer(name, Vars(group, "cell/vars", where), NameIsClassPath: true)));
                    break;
                case "bidirectional":
                    recurrent.Add((number, new StoredLayer(name, [.. Vars(group, "forward_layer/cell/vars", where), .. Vars(group, "backward_layer/cell/vars", where)], NameIsClassPath: true)));
                    break;
                case "dense":
                    dense.Add(new StoredLayer(name, Vars(group, "vars", where), NameIsClassPath: true));
                    break;
                default:
                    // Layers without weights (InputLayer in a Functional model, Dropout) have empty vars groups.
                    IReadOnlyList<StoredWeight> weights = group.Has("vars") ? Vars(group, "vars", where) : [];
                    if (weights.Count > 0)
                    {
                        throw new KerasFileException($"{file}: layers/{name} holds weights of a layer RnnGen does not have (its models are Embedding → SimpleRNN/LSTM/GRU or Bidirectional → Dense).");
                    }

                    break;
            }
        }

        if (embedding.Count != 1 || dense.Count != 1 || recurrent.Count == 0)
        {
            throw new KerasFileException(
                $"{file}: layers holds {string.Join(", ", layers.Names)}; an RnnGen model is one embedding, recurrent layers and one dense.");
        }

        return [embedding[0], .. recurrent.OrderBy(static r => r.Number).Select(static r => r.Layer), dense[0]];
    }

    /// <summary>
    /// Legacy Keras 2 (<c>model.save("x.h5")</c> and <c>save_weights("x.h5")</c>, from Keras 2.0 to tf.keras 2.15, and
    /// Keras 3's legacy writer): the weights group's <c>layer_names</c> attribute gives the layers in model order, and
    /// each layer group's <c>weight_names</c> the paths of its arrays, in weight order. The names are read, never
    /// rebuilt, since they differ between releases (<c>lstm/lstm_cell/kernel:0</c>, <c>lstm/kernel:0</c>, …).
    /// </summary>
    public static IReadOnlyList<StoredLayer> Legacy(HdfGroup weightsGroup, string groupPath, string file)
    {
        var layers = new List<StoredLayer>();
        foreach (string layerName in StringList(weightsGroup, "layer_names", groupPath, file))
        {
            string where = $"{groupPath}{layerName}";
            if (weightsGroup.Find(layerName) is not HdfGroup group)
            {
                throw new KerasFileException($"{file}: layer_names lists '{layerName}', but there is no group {where}.");
            }

            var weights = new List<StoredWeight>();
            foreach (string weightName in StringList(group, "weight_names", where, file))
            {
                if (group.Find(weightName) is not HdfDataset dataset)
                {
                    throw new KerasFileException($"{file}: {where} lists the weight '{weightName}' in weight_names, but has no such dataset.");
                }

                string variable = weightName[(weightName.LastIndexOf('/') + 1)..];
                int colon = variable.IndexOf(':', StringComparison.Ordinal);
                weights.Add(new StoredWeight($"{where}/{weightName}", colon < 0 ? variable : variable[..colon], dataset.Dims, dataset));
            }

            if (weights.Count > 0)
            {
                layers.Add(new StoredLayer(layerName, weights));
            }
        }

        return layers;
    }

    /// <summary>
    /// Checks that the stored layers have exactly the model's tensors (count, variable names where stored, shapes) and
    /// reads them into a copy of the parameters, which is returned whole: nothing reaches the model until every array
    /// has been read.
    /// </summary>
    public static float[] Read(IReadOnlyList<StoredLayer> layers, ModelDescription description, string file)
    {
        var tensors = new ModelLayers(description);
        var expected = new List<TensorInfo[]> { new[] { tensors.Embeddings } };
        foreach (TensorInfo[][] copies in tensors.Levels)
        {
            expected.Add([.. copies.SelectMany(static c => c)]);
        }

        expected.Add([tensors.DenseKernel, tensors.DenseBias]);
        if (layers.Count != expected.Count)
        {
            throw new KerasFileException(
                $"{file}: the file holds weights of {layers.Count} layers ({string.Join(", ", layers.Select(static l => l.Name))}); {description.Name} has {expected.Count} (embedding, {description.Layers} recurrent, dense).");
        }

        float[] parameters = new float[description.ParameterCount];
        for (int i = 0; i < layers.Count; i++)
        {
            StoredLayer layer = layers[i];
            string expectedName = ModelLayers.LayerName(expected[i][0]);
            if (layer.NameIsClassPath && layer.Name != expectedName)
            {
                throw new KerasFileException(
                    $"{file}: the file has layers/{layer.Name} where {description.Name} has layers/{expectedName} (the file's layers: {string.Join(", ", layers.Select(static l => l.Name))}).");
            }

            if (layer.Weights.Count != expected[i].Length)
            {
                throw new KerasFileException(
                    $"{file}: layer '{layer.Name}' holds {layer.Weights.Count} weight arrays; {description.Name}'s {ModelLayers.LayerName(expected[i][0])} has {expected[i].Length}{(description.Bidirectional ? " (3 per direction)" : string.Empty)}.");
            }

            for (int w = 0; w < expected[i].Length; w++)
            {
                TensorInfo tensor = expected[i][w];
                StoredWeight stored = layer.Weights[w];
                if (stored.Variable is string variable && variable != ModelLayers.VariableName(tensor))
                {
                    throw new KerasFileException($"{file}: {stored.Where} is a '{variable}' where {description.Name} expects {tensor.Name}.");
                }

                if (!stored.Dims.SequenceEqual(tensor.Shape.Select(static d => (ulong)d)))
                {
                    throw new KerasFileException($"{file}: {stored.Where} has the shape {stored.ShapeText}, but {description.Name}'s {tensor.Name} is {tensor.ShapeText}.");
                }

                stored.ReadInto(parameters.AsSpan(tensor.Offset, tensor.Length), file);
            }
        }

        return parameters;
    }

    /// <summary>
    /// What the shapes alone say about the model (a weights file records no config): the cell from the gate count, the
    /// widths, the depth, bidirectional from 6 arrays per layer, the GRU form from the bias rank, the classes.
    /// Masking, activations and the sequence length are not in the weights; they take Keras' defaults.
    /// </summary>
    public static KerasArchitecture Infer(IReadOnlyList<StoredLayer> layers, string file)
    {
        if (layers.Count < 3 || layers[0].Weights.Count != 1 || layers[^1].Weights.Count != 2)
        {
            throw new KerasFileException($"{file}: the weights ({string.Join(", ", layers.Select(static l => $"{l.Name}: {l.Weights.Count}"))}) are not an embedding, recurrent layers and a dense head.");
        }

        StoredLayer first = layers[1];
        if (first.Weights.Count is not (3 or 6) || first.Weights[1].Dims.Length != 2)
        {
            throw new KerasFileException($"{file}: layer '{first.Name}' holds {first.Weights.Count} arrays; a recurrent layer has 3 (6 when bidirectional).");
        }

        ulong units = first.Weights[1].Dims[0];
        ulong gates = units == 0 ? 0 : first.Weights[1].Dims[1] / units;
        RnnCell cell = gates switch
        {
            1 => RnnCell.SimpleRnn,
            3 => RnnCell.Gru,
            4 => RnnCell.Lstm,
            _ => throw new KerasFileException($"{file}: {first.Weights[1].Where} has the shape {first.Weights[1].ShapeText}: {gates} gate blocks of {units}, no SimpleRNN (1), GRU (3) or LSTM (4)."),
        };
        ulong[] embedding = layers[0].Weights[0].Dims;
        return new KerasArchitecture
        {
            Cell = cell,
            Vocab = checked((int)embedding[0]),
            Embed = checked((int)embedding[^1]),
            Units = checked((int)units),
            Layers = layers.Count - 2,
            Bidirectional = first.Weights.Count == 6,
            ResetAfter = cell == RnnCell.Gru && first.Weights[2].Dims.Length == 2,
            Classes = checked((int)layers[^1].Weights[1].Dims[0]),
        };
    }

    private static List<StoredWeight> Vars(HdfGroup group, string path, string where)
    {
        if (group.Find(path) is not HdfGroup vars)
        {
            throw new KerasFileException($"{where} has no {path} group.");
        }

        var weights = new List<(int Index, StoredWeight Weight)>();
        foreach (HdfObject child in vars.Members())
        {
            // Variables are datasets "0", "1", … in weight order; HDF5 lists "10" before "2", so sort by number.
            if (child is HdfDataset dataset && int.TryParse(child.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                weights.Add((index, new StoredWeight($"{where}/{path}/{child.Name}", null, dataset.Dims, dataset)));
            }
        }

        return [.. weights.OrderBy(static w => w.Index).Select(static w => w.Weight)];
    }

    // "lstm_12" → ("lstm", 12); "lstm" → ("lstm", 0); "simple_rnn_1" → ("simple_rnn", 1).
    private static (string Kind, int Number) SplitNumber(string name)
    {
        int underscore = name.LastIndexOf('_');
        return underscore > 0 && int.TryParse(name.AsSpan(underscore + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            ? (name[..underscore], number)
            : (name, 0);
    }

    // A 1-D string attribute (h5py writes fixed-length or variable-length strings, by release); an empty list is stored
    // by h5py as an empty float64 array.
    private static string[] StringList(HdfObject owner, string attribute, string where, string file)
    {
        if (!owner.HasAttribute(attribute))
        {
            // Keras splits a list too long for one HDF5 attribute (64 KiB) into layer_names0, layer_names1, ….
            if (owner.HasAttribute($"{attribute}0"))
            {
                var chunks = new List<string>();
                for (int chunk = 0; owner.HasAttribute($"{attribute}{chunk}"); chunk++)
                {
                    chunks.AddRange(StringList(owner, $"{attribute}{chunk}", where, file));
                }

                return [.. chunks];
            }

            throw new KerasFileException($"{file}: {where} has no '{attribute}' attribute.");
        }

        HdfAttribute value = owner.Attribute(attribute);
        if (value.Dims is [0])
        {
            return [];
        }

        if (!value.IsString)
        {
            throw new KerasFileException($"{file}: {where}'s '{attribute}' attribute holds {value.Type.Describe()}, not a list of names.");
        }

        return value.Strings();
    }
}
