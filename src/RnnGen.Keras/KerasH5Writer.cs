using PureHDF;

namespace RnnGen.Keras;

/// <summary>
/// Builds the HDF5 content of the two layouts Keras writes, from a model's tensors: Keras 3's
/// <c>layers/&lt;class path&gt;/vars/&lt;i&gt;</c> (what <c>save_weights</c> and <c>.keras</c> hold) and tf.keras 2.15's legacy
/// full-model layout (<c>model_config</c>, <c>model_weights/&lt;layer&gt;/&lt;weight name&gt;</c> with <c>layer_names</c>
/// and <c>weight_names</c>). Arrays are float32 in Keras' shapes; nothing is transposed.
/// </summary>
internal static class KerasH5Writer
{
    /// <summary>Keras 3: <c>vars</c> (the model's own, none) and <c>layers/…</c>, each <c>vars</c> group named by its layer.</summary>
    public static H5File Keras3(IRnnModel model)
    {
        ModelDescription description = model.Description;
        ReadOnlySpan<float> parameters = model.Parameters;
        var tensors = new ModelTensors(description);
        var layers = new H5Group
        {
            ["embedding"] = new H5Group { ["vars"] = Vars("embedding", parameters, tensors.Embeddings) },
        };
        string cellName = KerasNames.CellName(description.Cell);
        foreach (TensorInfo[][] copies in tensors.Levels)
        {
            string layerName = ModelTensors.LayerName(copies[0][0]);
            if (description.Bidirectional)
            {
                layers[layerName] = new H5Group
                {
                    ["vars"] = Vars(layerName, parameters),
                    ["forward_layer"] = Recurrent(ModelTensors.CopyName(copies[0][0]), cellName, parameters, copies[0]),
                    ["backward_layer"] = Recurrent(ModelTensors.CopyName(copies[1][0]), cellName, parameters, copies[1]),
                };
            }
            else
            {
                layers[layerName] = Recurrent(layerName, cellName, parameters, copies[0]);
            }
        }

        layers[ModelTensors.LayerName(tensors.DenseKernel)] = new H5Group
        {
            ["vars"] = Vars(ModelTensors.LayerName(tensors.DenseKernel), parameters, tensors.DenseKernel, tensors.DenseBias),
        };
        return new H5File
        {
            ["vars"] = Vars("sequential", parameters),
            ["layers"] = layers,
        };
    }

    /// <summary>
    /// tf.keras 2.15's <c>model.save("x.h5")</c>: root attributes <c>keras_version</c>, <c>backend</c>, <c>model_config</c>;
    /// <c>model_weights</c> with <c>layer_names</c>; per layer <c>weight_names</c> (<c>lstm/lstm_cell/kernel:0</c>, …) and the
    /// arrays under those paths.
    /// </summary>
    public static H5File Legacy(IRnnModel model)
    {
        ModelDescription description = model.Description;
        ReadOnlySpan<float> parameters = model.Parameters;
        var tensors = new ModelTensors(description);
        var weights = new H5Group();
        var layerNames = new List<string>();
        void Layer(string layerName, List<(string WeightName, TensorInfo Tensor)> arrays, ReadOnlySpan<float> values)
        {
            var group = new H5Group();
            foreach ((string weightName, TensorInfo tensor) in arrays)
            {
                // "lstm/lstm_cell/kernel:0" is a path below the layer's group: lstm → lstm_cell → kernel:0.
                string[] parts = weightName.Split('/');
                H5Group parent = group;
                foreach (string part in parts[..^1])
                {
                    if (!parent.TryGetValue(part, out object? existing))
                    {
                        existing = new H5Group();
                        parent[part] = existing;
                    }

                    parent = (H5Group)existing;
                }

                parent[parts[^1]] = Dataset(values, tensor);
            }

            group.Attributes["weight_names"] = arrays.Select(static a => a.WeightName).ToArray();
            weights[layerName] = group;
            layerNames.Add(layerName);
        }

        Layer("embedding", [("embedding/embeddings:0", tensors.Embeddings)], parameters);
        string cellName = KerasNames.CellName(description.Cell);
        foreach (TensorInfo[][] copies in tensors.Levels)
        {
            string layerName = ModelTensors.LayerName(copies[0][0]);
            var arrays = new List<(string, TensorInfo)>();
            foreach (TensorInfo[] copy in copies)
            {
                // tf.keras names a cell's variables <layer>/<cell>/<var>:0, a Bidirectional copy's
                // <wrapper>/<copy>/<cell>/<var>:0.
                string owner = description.Bidirectional ? $"{layerName}/{ModelTensors.CopyName(copy[0])}" : layerName;
                arrays.AddRange(copy.Select(t => ($"{owner}/{cellName}/{ModelTensors.VariableName(t)}:0", t)));
            }

            Layer(layerName, arrays, parameters);
        }

        string dense = ModelTensors.LayerName(tensors.DenseKernel);
        Layer(dense, [($"{dense}/kernel:0", tensors.DenseKernel), ($"{dense}/bias:0", tensors.DenseBias)], parameters);

        weights.Attributes["layer_names"] = layerNames.ToArray();
        weights.Attributes["backend"] = "tensorflow";
        weights.Attributes["keras_version"] = KerasFiles.LegacyKerasVersion;
        var file = new H5File { ["model_weights"] = weights };
        file.Attributes["keras_version"] = KerasFiles.LegacyKerasVersion;
        file.Attributes["backend"] = "tensorflow";
        file.Attributes["model_config"] = KerasConfigWriter.Write(description, keras3: false);
        return file;
    }

    // A recurrent layer in Keras 3: its own (empty) vars, and its cell's kernel, recurrent_kernel, bias as 0, 1, 2.
    private static H5Group Recurrent(string layerName, string cellName, ReadOnlySpan<float> parameters, TensorInfo[] copy) => new()
    {
        ["vars"] = Vars(layerName, parameters),
        ["cell"] = new H5Group { ["vars"] = Vars(cellName, parameters, copy) },
    };

    private static H5Group Vars(string name, ReadOnlySpan<float> parameters, params TensorInfo[] tensors)
    {
        var vars = new H5Group();
        for (int i = 0; i < tensors.Length; i++)
        {
            vars[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Dataset(parameters, tensors[i]);
        }

        vars.Attributes["name"] = name;
        return vars;
    }

    private static H5Dataset Dataset(ReadOnlySpan<float> parameters, TensorInfo tensor) =>
        new(parameters.Slice(tensor.Offset, tensor.Length).ToArray(), fileDims: [.. tensor.Shape.Select(static d => (ulong)d)]);
}
