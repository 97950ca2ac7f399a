using System.Globalization;
using RnnGen.Keras.Hdf5;

namespace RnnGen.Keras;

/// <summary>
/// Builds the HDF5 content of the two layouts Keras writes, from a model's tensors: Keras 3's
/// <c>layers/&lt;class path&gt;/vars/&lt;i&gt;</c> (what <c>save_weights</c> and <c>.keras</c> hold) and tf.keras 2.15's legacy
/// full-model layout (<c>model_config</c>, <c>model_weights/&lt;layer&gt;/&lt;weight name&gt;</c> with <c>layer_names</c>
/// and <c>weight_names</c>), with the string types Keras' files have (docs/keras-conventions.md, Keras files). Arrays are
/// float32 in Keras' shapes; nothing is transposed.
/// </summary>
internal static class KerasH5Writer
{
    /// <summary>Keras 3: <c>vars</c> (the model's own, none) and <c>layers/…</c>, each <c>vars</c> group named by its layer.</summary>
    public static byte[] Keras3(IRnnModel model)
    {
        ModelDescription description = model.Description;
        ReadOnlySpan<float> parameters = model.Parameters;
        var tensors = new ModelLayers(description);
        var root = new HdfWriteGroup();
        Vars(root.Group("vars"), "sequential", parameters);
        HdfWriteGroup layers = root.Group("layers");
        Vars(layers.GroupAt("embedding/vars"), "embedding", parameters, tensors.Embeddings);
        string cellName = KerasNames.CellName(description.Cell);
        foreach (TensorInfo[][] copies in tensors.Levels)
        {
            string layerName = ModelLayers.LayerName(copies[0][0]);
            HdfWriteGroup layer = layers.Group(layerName);
            if (description.Bidirectional)
            {
                Vars(layer.Group("vars"), layerName, parameters);
                Recurrent(layer.Group("forward_layer"), ModelLayers.CopyName(copies[0][0]), cellName, parameters, copies[0]);
                Recurrent(layer.Group("backward_layer"), ModelLayers.CopyName(copies[1][0]), cellName, parameters, copies[1]);
            }
            else
            {
                Recurrent(layer, layerName, cellName, parameters, copies[0]);
            }
        }

        string dense = ModelLayers.LayerName(tensors.DenseKernel);
        Vars(layers.GroupAt($"{dense}/vars"), dense, parameters, tensors.DenseKernel, tensors.DenseBias);
        return HdfWriter.Write(root);
    }

    /// <summary>
    /// tf.keras 2.15's <c>model.save("x.h5")</c>: root attributes <c>keras_version</c>, <c>backend</c>, <c>model_config</c>;
    /// <c>model_weights</c> with <c>layer_names</c>; per layer <c>weight_names</c> (<c>lstm/lstm_cell/kernel:0</c>, …) and the
    /// arrays under those paths; <c>top_level_model_weights</c> with an empty list.
    /// </summary>
    public static byte[] Legacy(IRnnModel model)
    {
        ModelDescription description = model.Description;
        ReadOnlySpan<float> parameters = model.Parameters;
        var tensors = new ModelLayers(description);
        var root = new HdfWriteGroup();
        root.Attribute("keras_version", KerasFiles.LegacyKerasVersion, utf8: true);
        root.Attribute("backend", "tensorflow", utf8: true);
        root.Attribute("model_config", KerasConfigWriter.Write(description, keras3: false), utf8: false);
        HdfWriteGroup weights = root.Group("model_weights");
        var layerNames = new List<string>();
        void Layer(string layerName, List<(string WeightName, TensorInfo Tensor)> arrays, ReadOnlySpan<float> values)
        {
            HdfWriteGroup group = weights.Group(layerName);
            foreach ((string weightName, TensorInfo tensor) in arrays)
            {
                // "lstm/lstm_cell/kernel:0" is a path below the layer's group: lstm → lstm_cell → kernel:0.
                int slash = weightName.LastIndexOf('/');
                group.GroupAt(weightName[..Math.Max(slash, 0)]).Add(weightName[(slash + 1)..], Values(values, tensor), Dims(tensor));
            }

            group.Attribute("weight_names", [.. arrays.Select(static a => a.WeightName)], utf8: false);
            layerNames.Add(layerName);
        }

        Layer("embedding", [("embedding/embeddings:0", tensors.Embeddings)], parameters);
        string cellName = KerasNames.CellName(description.Cell);
        foreach (TensorInfo[][] copies in tensors.Levels)
        {
            string layerName = ModelLayers.LayerName(copies[0][0]);
            var arrays = new List<(string, TensorInfo)>();
            foreach (TensorInfo[] copy in copies)
            {
                // tf.keras names a cell's variables <layer>/<cell>/<var>:0, a Bidirectional copy's
                // <wrapper>/<copy>/<cell>/<var>:0.
                string owner = description.Bidirectional ? $"{layerName}/{ModelLayers.CopyName(copy[0])}" : layerName;
                arrays.AddRange(copy.Select(t => ($"{owner}/{cellName}/{ModelLayers.VariableName(t)}:0", t)));
            }

            Layer(layerName, arrays, parameters);
        }

        string dense = ModelLayers.LayerName(tensors.DenseKernel);
        Layer(dense, [($"{dense}/kernel:0", tensors.DenseKernel), ($"{dense}/bias:0", tensors.DenseBias)], parameters);
        weights.Group("top_level_model_weights").EmptyListAttribute("weight_names");
        weights.Attribute("layer_names", [.. layerNames], utf8: false);
        weights.Attribute("backend", "tensorflow", utf8: false);
        weights.Attribute("keras_version", KerasFiles.LegacyKerasVersion, utf8: false);
        return HdfWriter.Write(root);
    }

    // A recurrent layer in Keras 3: its own (empty) vars, and its cell's kernel, recurrent_kernel, bias as 0, 1, 2.
    private static void Recurrent(HdfWriteGroup layer, string layerName, string cellName, ReadOnlySpan<float> parameters, TensorInfo[] copy)
    {
        Vars(layer.Group("vars"), layerName, parameters);
        Vars(layer.GroupAt("cell/vars"), cellName, parameters, copy);
    }

    private static void Vars(HdfWriteGroup vars, string name, ReadOnlySpan<float> parameters, params TensorInfo[] tensors)
    {
        for (int i = 0; i < tensors.Length; i++)
        {
            vars.Add(i.ToString(CultureInfo.InvariantCulture), Values(parameters, tensors[i]), Dims(tensors[i]));
        }

        vars.Attribute("name", name, utf8: true);
    }

    private static float[] Values(ReadOnlySpan<float> parameters, TensorInfo tensor) => parameters.Slice(tensor.Offset, tensor.Length).ToArray();

    private static ulong[] Dims(TensorInfo tensor) => [.. tensor.Shape.Select(static d => (ulong)d)];
}
