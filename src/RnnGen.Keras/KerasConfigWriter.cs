using System.Text;
using System.Text.Json;

namespace RnnGen.Keras;

/// <summary>
/// Writes the Keras model config of an RnnGen model: a Sequential of InputLayer → Embedding → the recurrent layers (in
/// Bidirectional wrappers when the model has them) → Dense, in Keras 3's <c>config.json</c> form (with <c>module</c>,
/// <c>registered_name</c> and <c>build_config</c>) or tf.keras 2's legacy <c>model_config</c> form (with
/// <c>batch_input_shape</c>, <c>time_major</c> and <c>implementation</c>). Initializers, regularizers and constraints are
/// left out, so Keras takes its defaults, which are RnnGen's (docs/keras-conventions.md).
/// </summary>
internal static class KerasConfigWriter
{
    public static string Write(ModelDescription description, bool keras3)
    {
        if (keras3 && description.Cell != RnnCell.SimpleRnn && description.RecurrentActivation == RecurrentActivation.HardSigmoid)
        {
            throw new NotSupportedException(
                $"{description.Name} uses Keras 2's hard_sigmoid, clip(0.2x + 0.5, 0, 1), which Keras 3 no longer has (its hard_sigmoid is relu6(x + 3) / 6); save it as a legacy .h5 file or as .weights.h5.");
        }

        var tensors = new ModelLayers(description);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (keras3)
            {
                json.WriteString("module", "keras");
            }

            json.WriteString("class_name", "Sequential");
            json.WriteStartObject("config");
            json.WriteString("name", "sequential");
            json.WriteBoolean("trainable", true);
            json.WriteString("dtype", "float32");
            json.WriteStartArray("layers");

            Layer(json, keras3, "InputLayer", null, () =>
            {
                Shape(json, keras3 ? "batch_shape" : "batch_input_shape", description.SeqLen);
                json.WriteString("dtype", "float32");
                json.WriteBoolean("sparse", false);
                json.WriteBoolean("ragged", false);
                json.WriteString("name", keras3 ? "input_layer" : "input_1");
            });

            Layer(json, keras3, "Embedding", [description.SeqLen], () =>
            {
                Common(json, "embedding");
                json.WriteNumber("input_dim", description.Vocab);
                json.WriteNumber("output_dim", description.Embed);
                json.WriteBoolean("mask_zero", description.MaskZero);
                if (!keras3)
                {
                    json.WriteNull("input_length");
                }
            });

            int directions = description.Bidirectional ? 2 : 1;
            for (int level = 0; level < tensors.Levels.Count; level++)
            {
                TensorInfo kernel = tensors.Levels[level][0][0];
                int inputWidth = kernel.Rows;
                bool returnSequences = level + 1 < tensors.Levels.Count;
                if (description.Bidirectional)
                {
                    // The wrapped layer keeps its own name (lstm_1); Keras names the copies forward_lstm_1 and backward_lstm_1.
                    string inner = ModelLayers.CopyName(kernel)["forward_".Length..];
                    Layer(json, keras3, "Bidirectional", [description.SeqLen, inputWidth], () =>
                    {
                        Common(json, ModelLayers.LayerName(kernel));
                        json.WriteString("merge_mode", "concat");
                        json.WritePropertyName("layer");
                        Layer(json, keras3, KerasNames.ClassName(description.Cell), null, () => Recurrent(json, description, inner, returnSequences, keras3));
                    });
                }
                else
                {
                    Layer(json, keras3, KerasNames.ClassName(description.Cell), [description.SeqLen, inputWidth], () =>
                        Recurrent(json, description, ModelLayers.LayerName(kernel), returnSequences, keras3));
                }
            }

            Layer(json, keras3, "Dense", [directions * description.Units], () =>
            {
                Common(json, ModelLayers.LayerName(tensors.DenseKernel));
                json.WriteNumber("units", description.Classes);
                json.WriteString("activation", description.Classes == 1 ? "sigmoid" : "softmax");
                json.WriteBoolean("use_bias", true);
            });

            json.WriteEndArray();
            if (keras3)
            {
                Shape(json, "build_input_shape", description.SeqLen);
            }

            json.WriteEndObject();
            if (keras3)
            {
                json.WriteNull("registered_name");
                json.WriteStartObject("build_config");
                Shape(json, "input_shape", description.SeqLen);
                json.WriteEndObject();
                json.WriteStartObject("compile_config");
                json.WriteEndObject();
            }
            else
            {
                json.WriteString("keras_version", KerasFiles.LegacyKerasVersion);
                json.WriteString("backend", "tensorflow");
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // {"module": "keras.layers", "class_name": ..., "config": {...}, "registered_name": null, "build_config": {...}} in
    // Keras 3; {"class_name": ..., "config": {...}} in tf.keras 2.
    private static void Layer(Utf8JsonWriter json, bool keras3, string className, int[]? buildShape, Action config)
    {
        json.WriteStartObject();
        if (keras3)
        {
            json.WriteString("module", "keras.layers");
        }

        json.WriteString("class_name", className);
        json.WriteStartObject("config");
        config();
        json.WriteEndObject();
        if (keras3)
        {
            json.WriteNull("registered_name");
            if (buildShape is not null)
            {
                json.WriteStartObject("build_config");
                Shape(json, "input_shape", buildShape);
                json.WriteEndObject();
            }
        }

        json.WriteEndObject();
    }

    private static void Common(Utf8JsonWriter json, string name)
    {
        json.WriteString("name", name);
        json.WriteBoolean("trainable", true);
        json.WriteString("dtype", "float32");
    }

    private static void Recurrent(Utf8JsonWriter json, ModelDescription description, string name, bool returnSequences, bool keras3)
    {
        Common(json, name);
        json.WriteBoolean("return_sequences", returnSequences);
        json.WriteBoolean("return_state", false);
        json.WriteBoolean("go_backwards", false);
        json.WriteBoolean("stateful", false);
        json.WriteBoolean("unroll", false);
        if (!keras3)
        {
            json.WriteBoolean("time_major", false);
        }

        json.WriteNumber("units", description.Units);
        json.WriteString("activation", description.Cell == RnnCell.SimpleRnn && description.Activation == RnnActivation.Relu ? "relu" : "tanh");
        if (description.Cell != RnnCell.SimpleRnn)
        {
            json.WriteString("recurrent_activation", description.RecurrentActivation == RecurrentActivation.HardSigmoid ? "hard_sigmoid" : "sigmoid");
        }

        json.WriteBoolean("use_bias", true);
        if (description.Cell == RnnCell.Lstm)
        {
            json.WriteBoolean("unit_forget_bias", true);
        }

        json.WriteNumber("dropout", description.Dropout);
        json.WriteNumber("recurrent_dropout", description.RecurrentDropout);
        if (!keras3 && description.Cell != RnnCell.SimpleRnn)
        {
            json.WriteNumber("implementation", 2);
        }

        if (description.Cell == RnnCell.Gru)
        {
            json.WriteBoolean("reset_after", description.ResetAfter);
        }
    }

    // [null, d1, d2, ...]: the batch dimension first.
    private static void Shape(Utf8JsonWriter json, string key, params int[] dims)
    {
        json.WriteStartArray(key);
        json.WriteNullValue();
        foreach (int dim in dims)
        {
            json.WriteNumberValue(dim);
        }

        json.WriteEndArray();
    }
}
