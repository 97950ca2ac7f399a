using System.Diagnostics;
using System.Text.Json;
using RnnGen.Tests;

namespace RnnGen.Keras.Tests;

/// <summary>
/// RnnGen's Keras files read by h5py (Debian's python3-h5py 3.7.0 on HDF5 1.10.8, the binding Keras itself uses; test.sh
/// installs it): every array at Keras' path with its shape, float32 and bit for bit, the string attributes Keras'
/// loaders read, the .keras archive's entries and config. And the other way: the files rewritten by h5py in its newest
/// layout (superblock 3, version 2 object headers, link messages) load back bit for bit.
/// </summary>
public sealed class H5pyInteropTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in Factories.Keys)
        {
            foreach (string extension in new[] { ".weights.h5", ".keras", ".h5" })
            {
                data.Add(name, extension);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Func<int, IRnnModel>> Factories = new()
    {
        [nameof(LstmS1)] = static seed => new LstmS1(seed),
        [nameof(LstmMaskedBidiSoftmax)] = static seed => new LstmMaskedBidiSoftmax(seed),
        [nameof(GruResetBeforeBidiMasked)] = static seed => new GruResetBeforeBidiMasked(seed),
        [nameof(SimpleRnnReluSoftmax)] = static seed => new SimpleRnnReluSoftmax(seed),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void H5pyReadsEveryArrayAtItsKerasPathBitForBit(string name, string extension)
    {
        using var temp = new TempFolder();
        IRnnModel model = Factories[name](1);
        TestData.RandomizeWeights(model, seed: 9);
        string path = Path.Combine(temp.Path, "model" + extension);
        model.SaveKeras(path);

        using JsonDocument document = JsonDocument.Parse(Python("read", path));
        JsonElement root = document.RootElement;
        JsonElement datasets = root.GetProperty("datasets");
        bool legacy = extension == ".h5";
        Assert.Equal(model.Description.Tensors.Length, datasets.EnumerateObject().Count());
        foreach (TensorInfo tensor in model.Description.Tensors)
        {
            string keras = legacy ? LegacyPath(model.Description, tensor) : Keras3Path(model.Description, tensor);
            Assert.True(datasets.TryGetProperty(keras, out JsonElement dataset), $"h5py finds no {keras} for {tensor.Name}");
            Assert.Equal(tensor.Shape, dataset.GetProperty("shape").EnumerateArray().Select(static d => d.GetInt32()));
            Assert.Equal("float32", dataset.GetProperty("dtype").GetString());
            float[] values = [.. dataset.GetProperty("data").EnumerateArray().Select(static v => (float)v.GetDouble())];
            Assert.True(values.AsSpan().SequenceEqual(model.Parameters.Slice(tensor.Offset, tensor.Length)), $"{keras} differs from {tensor.Name}");
        }

        JsonElement attributes = root.GetProperty("attributes");
        if (legacy)
        {
            JsonElement weights = attributes.GetProperty("model_weights");
            string[] layerNames = [.. weights.GetProperty("layer_names").EnumerateArray().Select(static n => n.GetString()!)];
            Assert.Equal(model.Description.Tensors.Select(static t => t.Name.Split('/')[0]).Distinct(), layerNames);
            foreach (string layer in layerNames)
            {
                Assert.All(attributes.GetProperty($"model_weights/{layer}").GetProperty("weight_names").EnumerateArray(),
                    weightName => Assert.True(root.GetProperty("datasets").TryGetProperty($"model_weights/{layer}/{weightName.GetString()}", out _)));
            }

            Assert.Equal("object", root.GetProperty("attribute_types").GetProperty("model_weights").GetProperty("layer_names").GetString()); // variable-length, as tf.keras 2.15
            using JsonDocument config = JsonDocument.Parse(attributes.GetProperty("/").GetProperty("model_config").GetString()!);
            Assert.Equal("Sequential", config.RootElement.GetProperty("class_name").GetString());
            Assert.Equal("2.15.0", attributes.GetProperty("/").GetProperty("keras_version").GetString());
        }
        else
        {
            Assert.Equal("embedding", attributes.GetProperty("layers/embedding/vars").GetProperty("name").GetString());
            Assert.Equal("sequential", attributes.GetProperty("vars").GetProperty("name").GetString());
        }

        if (extension == ".keras")
        {
            Assert.Equal("Sequential", root.GetProperty("config").GetProperty("class_name").GetString());
            Assert.Equal(KerasFiles.KerasVersion, root.GetProperty("metadata").GetProperty("keras_version").GetString());
            Assert.Equal(["metadata.json", "config.json", "model.weights.h5"], root.GetProperty("entries").EnumerateArray().Select(static e => e[0].GetString()));
            Assert.All(root.GetProperty("entries").EnumerateArray(), static e => Assert.Equal(0, e[1].GetInt32())); // ZIP_STORED
        }
    }

    [Theory]
    [InlineData(nameof(LstmMaskedBidiSoftmax), ".weights.h5")]
    [InlineData(nameof(LstmMaskedBidiSoftmax), ".h5")]
    [InlineData(nameof(SimpleRnnReluSoftmax), ".h5")]
    public void FilesRewrittenByH5pyInItsNewestLayoutLoadBitForBit(string name, string extension)
    {
        using var temp = new TempFolder();
        IRnnModel model = Factories[name](1);
        TestData.RandomizeWeights(model, seed: 11);
        string ours = Path.Combine(temp.Path, "ours" + extension);
        string theirs = Path.Combine(temp.Path, "theirs" + extension);
        model.SaveKeras(ours);
        Python("rewrite", ours, theirs);
        Assert.Equal(3, File.ReadAllBytes(theirs)[8]); // superblock version 3

        IRnnModel loaded = Factories[name](2);
        loaded.LoadKeras(theirs);
        Assert.True(model.Parameters.SequenceEqual(loaded.Parameters));
        Assert.Empty(KerasFiles.ReadArchitecture(theirs) is { } architecture && extension == ".h5" ? architecture.Mismatches(model.Description) : []);
    }

    [Theory]
    [InlineData("lstm_S1", "2.2.4")]
    [InlineData("gru_reset_before_S2", "2.0.8")]
    [InlineData("simple_rnn_tanh_S1", "2.1.6")]
    public void OldKeras2LegacyFilesLoadAndGiveTheFixtureOutputs(string name, string version)
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, $"{name}-keras-{version}.h5");
        Python("keras2", Path.Combine(TestData.SharedFolder(), "fixtures", $"{name}.json"), path, version);
        Assert.StartsWith("|S", AttributeType(path, "model_weights", "layer_names"), StringComparison.Ordinal); // fixed-length bytes

        IRnnModel model = name switch
        {
            "lstm_S1" => new LstmS1(seed: 1),
            "gru_reset_before_S2" => new GruResetBeforeS2(seed: 1),
            _ => new SimpleRnnS1(seed: 1),
        };
        KerasArchitecture architecture = KerasFiles.ReadArchitecture(path);
        Assert.Equal(version, architecture.KerasVersion);
        Assert.Empty(architecture.Mismatches(model.Description));
        model.LoadKeras(path);
        KerasFixtureTests.AssertFixture(model, name);
    }

    // The numpy dtype h5py gives an attribute: "|S12" for Keras 2's fixed-length bytes, "object" for variable-length strings.
    private static string AttributeType(string path, string owner, string attribute)
    {
        using JsonDocument document = JsonDocument.Parse(Python("read", path));
        return document.RootElement.GetProperty("attribute_types").GetProperty(owner).GetProperty(attribute).GetString()!;
    }

    // Keras 3 (saving_lib): layers/<class path>/vars/<i>; a recurrent layer's arrays under cell/vars, a Bidirectional
    // copy's under forward_layer/cell/vars or backward_layer/cell/vars.
    private static string Keras3Path(ModelDescription description, TensorInfo tensor)
    {
        string[] parts = tensor.Name.Split('/');
        string variable = parts[^1];
        int index = variable switch { "kernel" or "embeddings" => 0, "recurrent_kernel" => 1, _ => parts[0] == "dense" ? 1 : 2 };
        if (parts[0] is "embedding" or "dense")
        {
            return $"layers/{parts[0]}/vars/{index}";
        }

        return description.Bidirectional
            ? $"layers/{parts[0]}/{(parts[1].StartsWith("forward_", StringComparison.Ordinal) ? "forward_layer" : "backward_layer")}/cell/vars/{index}"
            : $"layers/{parts[0]}/cell/vars/{index}";
    }

    // tf.keras 2: model_weights/<layer>/<variable path>:0, the cell's variables under <layer>/<cell>/.
    private static string LegacyPath(ModelDescription description, TensorInfo tensor)
    {
        string[] parts = tensor.Name.Split('/');
        string cell = description.Cell switch { RnnCell.Lstm => "lstm_cell", RnnCell.Gru => "gru_cell", _ => "simple_rnn_cell" };
        string variablePath = parts[0] is "embedding" or "dense"
            ? tensor.Name
            : $"{string.Join('/', parts[..^1])}/{cell}/{parts[^1]}";
        return $"model_weights/{parts[0]}/{variablePath}:0";
    }

    private static string Python(params string[] arguments)
    {
        string python = Environment.GetEnvironmentVariable("RNNGEN_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";
        string script = Path.Combine(AppContext.BaseDirectory, "h5py_interop.py");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"No Python at {python} ({e.Message}); test.sh installs python3-h5py (apt-get install python3-h5py), or set RNNGEN_PYTHON.");
        }

        using (process)
        {
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{python} {string.Join(' ', arguments)} failed ({error.Result.Trim()}); test.sh installs python3-h5py, the h5py these tests read with.");
            return output;
        }
    }
}
