using System.Globalization;
using System.Text.Json;

namespace RnnGen.Keras;

/// <summary>
/// Reads the architecture out of a Keras model config: Keras 3's <c>config.json</c> (inside a <c>.keras</c> file) and the
/// legacy <c>model_config</c> attribute of a Keras 2 full-model <c>.h5</c>. Both are
/// <c>{"class_name": "Sequential" | "Functional" | "Model", "config": {"layers": [...]}}</c> (Keras 2.0-2.1 stored a
/// Sequential's layer list as <c>config</c> itself), each layer <c>{"class_name", "config"}</c>. Keys this reader does
/// not need are ignored, as their set changes between releases; a layer or option RnnGen does not compile is named.
/// </summary>
internal static class KerasConfigReader
{
    public static KerasArchitecture Parse(string json, string source, string? kerasVersion)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new KerasFileException($"{source}: the model config is not JSON ({e.Message}).", e);
        }

        using (document)
        {
            return Parse(document.RootElement, source, kerasVersion);
        }
    }

    private static KerasArchitecture Parse(JsonElement root, string source, string? kerasVersion)
    {
        string modelClass = String(root, "class_name", source) ?? string.Empty;
        if (modelClass is not ("Sequential" or "Functional" or "Model"))
        {
            throw new KerasFileException($"{source}: the model is a '{modelClass}'; RnnGen reads Sequential models (and Functional ones that are a chain of layers).");
        }

        JsonElement config = root.TryGetProperty("config", out JsonElement c) ? c : default;
        JsonElement layers = config.ValueKind == JsonValueKind.Array ? config
            : config.ValueKind == JsonValueKind.Object && config.TryGetProperty("layers", out JsonElement l) && l.ValueKind == JsonValueKind.Array ? l
            : throw new KerasFileException($"{source}: the model config has no layer list.");

        bool keras3 = kerasVersion is not null && kerasVersion.StartsWith('3');
        int? seqLen = null;
        int? vocab = null, embed = null;
        bool maskZero = false;
        var recurrent = new List<(RecurrentConfig Config, bool Bidirectional, string Where)>();
        (int Units, string Activation, string Where)? dense = null;
        int index = 0;
        foreach (JsonElement layer in layers.EnumerateArray())
        {
            string className = String(layer, "class_name", source) ?? "?";
            JsonElement layerConfig = layer.TryGetProperty("config", out JsonElement lc) ? lc : default;
            string name = layerConfig.ValueKind == JsonValueKind.Object ? String(layerConfig, "name", source) ?? className : className;
            string where = $"{source}: layer {index} '{name}' ({className})";
            index++;
            if (dense is not null)
            {
                throw new KerasFileException($"{where} follows the Dense head; RnnGen's models end with Dense.");
            }

            seqLen ??= SeqLenOf(layerConfig);
            switch (className)
            {
                case "InputLayer":
                    break;
                case "Embedding":
                    if (vocab is not null)
                    {
                        throw new KerasFileException($"{where}: a second Embedding; RnnGen's models have one.");
                    }

                    vocab = Int(layerConfig, "input_dim", where);
                    embed = Int(layerConfig, "output_dim", where);
                    maskZero = Bool(layerConfig, "mask_zero", false);
                    if (layerConfig.TryGetProperty("input_length", out JsonElement length) && length.ValueKind == JsonValueKind.Number)
                    {
                        seqLen ??= length.GetInt32();
                    }

                    break;
                case "SimpleRNN" or "LSTM" or "GRU":
                    recurrent.Add((RecurrentConfig.Read(className, layerConfig, where, keras3), false, where));
                    break;
                case "Bidirectional":
                    {
                        string merge = String(layerConfig, "merge_mode", where) ?? "concat";
                        if (merge != "concat")
                        {
                            throw new KerasFileException($"{where}: merge_mode '{merge}'; RnnGen merges the directions by concatenation only (merge_mode=\"concat\").");
                        }

                        JsonElement inner = layerConfig.TryGetProperty("layer", out JsonElement wrapped) ? wrapped
                            : throw new KerasFileException($"{where}: no wrapped layer in its config.");
                        string innerClass = String(inner, "class_name", where) ?? "?";
                        if (KerasNames.CellOf(innerClass) is null)
                        {
                            throw new KerasFileException($"{where} wraps a {innerClass}; RnnGen's recurrent layers are SimpleRNN, LSTM and GRU.");
                        }

                        recurrent.Add((RecurrentConfig.Read(innerClass, inner.GetProperty("config"), $"{where} → {innerClass}", keras3), true, where));
                        break;
                    }

                case "Dense":
                    dense = (Int(layerConfig, "units", where), String(layerConfig, "activation", where) ?? "linear", where);
                    if (!Bool(layerConfig, "use_bias", true))
                    {
                        throw new KerasFileException($"{where}: use_bias=False; RnnGen's Dense head has a bias.");
                    }

                    break;
                default:
                    throw new KerasFileException($"{where}: RnnGen compiles Embedding → SimpleRNN/LSTM/GRU (or Bidirectional of one) → Dense, and has no {className} layer.");
            }
        }

        if (vocab is null || embed is null)
        {
            throw new KerasFileException($"{source}: the model has no Embedding layer; RnnGen's models start with one.");
        }

        if (recurrent.Count == 0)
        {
            throw new KerasFileException($"{source}: the model has no recurrent layer.");
        }

        if (dense is not { } head)
        {
            throw new KerasFileException($"{source}: the model has no Dense head; RnnGen's models end with Dense(1, sigmoid) or Dense(N, softmax).");
        }

        string expectedHead = head.Units == 1 ? "sigmoid" : "softmax";
        if (head.Activation != expectedHead)
        {
            throw new KerasFileException($"{head.Where}: Dense({head.Units}) with activation '{head.Activation}'; RnnGen's heads are Dense(1, sigmoid) and Dense(N ≥ 2, softmax).");
        }

        RecurrentConfig first = recurrent[0].Config;
        for (int level = 0; level < recurrent.Count; level++)
        {
            (RecurrentConfig layer, bool bidirectional, string where) = recurrent[level];
            string? problem =
                layer.Cell != first.Cell ? $"is a {KerasNames.ClassName(layer.Cell)} after a {KerasNames.ClassName(first.Cell)}; RnnGen stacks layers of one cell"
                : layer.Units != first.Units ? $"has {layer.Units} units after {first.Units}; RnnGen stacks layers of one width"
                : bidirectional != recurrent[0].Bidirectional ? "mixes Bidirectional and plain recurrent layers; RnnGen wraps all of them or none"
                : layer.ReturnSequences != (level + 1 < recurrent.Count) ? $"has return_sequences={(layer.ReturnSequences ? "True" : "False")}; RnnGen's layers return sequences into the next one, and the last returns its final state"
                : layer.Activation != first.Activation || layer.RecurrentActivation != first.RecurrentActivation || layer.ResetAfter != first.ResetAfter
                    ? "has other activations or another GRU form than the first recurrent layer; RnnGen's layers share them"
                : null;
            if (problem is not null)
            {
                throw new KerasFileException($"{where} {problem}.");
            }
        }

        return new KerasArchitecture
        {
            Cell = first.Cell,
            Vocab = vocab.Value,
            Embed = embed.Value,
            Units = first.Units,
            Layers = recurrent.Count,
            SeqLen = seqLen,
            Classes = head.Units,
            MaskZero = maskZero,
            Bidirectional = recurrent[0].Bidirectional,
            Activation = first.Activation,
            RecurrentActivation = first.RecurrentActivation,
            ResetAfter = first.ResetAfter,
            UnitForgetBias = first.UnitForgetBias,
            Dropout = first.Dropout,
            RecurrentDropout = first.RecurrentDropout,
            Unroll = first.Unroll,
            KerasVersion = kerasVersion,
        };
    }

    // Keras 3 InputLayer: batch_shape; Keras 2: batch_input_shape (on the InputLayer or on the first layer).
    private static int? SeqLenOf(JsonElement config)
    {
        if (config.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (string key in new[] { "batch_shape", "batch_input_shape" })
        {
            if (config.TryGetProperty(key, out JsonElement shape) && shape.ValueKind == JsonValueKind.Array && shape.GetArrayLength() >= 2
                && shape[1].ValueKind == JsonValueKind.Number)
            {
                return shape[1].GetInt32();
            }
        }

        return null;
    }

    internal static string? String(JsonElement element, string key, string where) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out JsonElement value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null => null,
                _ => throw new KerasFileException($"{where}: '{key}' is {value.ValueKind}, not a string (a custom or serialized object RnnGen does not read: {Shorten(value.GetRawText())})."),
            }
            : null;

    internal static int Int(JsonElement element, string key, string where) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out JsonElement value) && value.ValueKind == JsonValueKind.Number
        && value.TryGetInt32(out int number)
            ? number
            : throw new KerasFileException($"{where}: no whole number '{key}' in its config.");

    internal static bool Bool(JsonElement element, string key, bool fallback) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : fallback;

    internal static double Double(JsonElement element, string key) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out JsonElement value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : 0;

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Create(CultureInfo.InvariantCulture, $"{text[..77]}...");

    /// <summary>The options of one SimpleRNN, LSTM or GRU config that decide its weights and math.</summary>
    private sealed record RecurrentConfig(
        RnnCell Cell, int Units, bool ReturnSequences, RnnActivation Activation, RecurrentActivation RecurrentActivation, bool ResetAfter,
        bool UnitForgetBias, double Dropout, double RecurrentDropout, bool Unroll)
    {
        public static RecurrentConfig Read(string className, JsonElement config, string where, bool keras3)
        {
            RnnCell cell = KerasNames.CellOf(className)!.Value;
            foreach ((string key, bool allowed) in new[] { ("go_backwards", false), ("stateful", false), ("return_state", false), ("time_major", false) })
            {
                if (Bool(config, key, allowed) != allowed)
                {
                    throw new KerasFileException($"{where}: {key}=True; RnnGen's layers run forward (Bidirectional adds the backward copy), stateless, returning no state.");
                }
            }

            if (!Bool(config, "use_bias", true))
            {
                throw new KerasFileException($"{where}: use_bias=False; RnnGen's recurrent layers have biases.");
            }

            string activation = String(config, "activation", where) ?? "tanh";
            RnnActivation rnnActivation = activation switch
            {
                "tanh" => RnnActivation.Tanh,
                "relu" when cell == RnnCell.SimpleRnn => RnnActivation.Relu,
                _ => throw new KerasFileException($"{where}: activation '{activation}'; RnnGen's {className} uses {(cell == RnnCell.SimpleRnn ? "tanh or relu" : "tanh")}."),
            };
            RecurrentActivation gate = RecurrentActivation.Sigmoid;
            if (cell != RnnCell.SimpleRnn)
            {
                string recurrentActivation = String(config, "recurrent_activation", where) ?? (keras3 ? "sigmoid" : "hard_sigmoid");
                gate = recurrentActivation switch
                {
                    "sigmoid" => RecurrentActivation.Sigmoid,
                    // Keras 2's hard_sigmoid is clip(0.2x + 0.5, 0, 1), RnnGen's HardSigmoid; Keras 3 redefined it as
                    // relu6(x + 3) / 6, another function.
                    "hard_sigmoid" when !keras3 => RecurrentActivation.HardSigmoid,
                    "hard_sigmoid" => throw new KerasFileException($"{where}: recurrent_activation 'hard_sigmoid' in Keras 3 is relu6(x + 3) / 6, which RnnGen does not compute (its HardSigmoid is Keras 2's clip(0.2x + 0.5, 0, 1))."),
                    _ => throw new KerasFileException($"{where}: recurrent_activation '{recurrentActivation}'; RnnGen's gates use sigmoid or Keras 2's hard_sigmoid."),
                };
            }

            return new RecurrentConfig(
                cell,
                Int(config, "units", where),
                Bool(config, "return_sequences", false),
                rnnActivation,
                gate,
                // Keras 2.0-2.2 knew only the original GRU and wrote no reset_after.
                cell == RnnCell.Gru && Bool(config, "reset_after", false),
                Bool(config, "unit_forget_bias", true),
                Double(config, "dropout"),
                Double(config, "recurrent_dropout"),
                Bool(config, "unroll", false));
        }
    }
}
