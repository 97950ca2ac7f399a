using System.IO.Compression;
using RnnGen.Tests;

namespace RnnGen.Keras.Tests;

/// <summary>
/// RnnGen → Keras file → RnnGen is bit exact in every format and for every kind of model; a saved config reads back as
/// the model's own architecture; and every bad file, wrong model or failed save is a clear error that changes nothing.
/// </summary>
public sealed class KerasRoundTripTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in Factories.Keys)
        {
            foreach (string extension in new[] { ".weights.h5", ".keras", ".h5" })
            {
                if (!(name == nameof(LstmHardSigmoid) && extension == ".keras"))
                {
                    data.Add(name, extension);
                }
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Func<int, IRnnModel>> Factories = new()
    {
        [nameof(LstmS1)] = static seed => new LstmS1(seed),
        [nameof(GruResetBeforeS2)] = static seed => new GruResetBeforeS2(seed),
        [nameof(LstmMaskedBidiSoftmax)] = static seed => new LstmMaskedBidiSoftmax(seed),
        [nameof(GruBidi)] = static seed => new GruBidi(seed),
        [nameof(GruResetBeforeBidiMasked)] = static seed => new GruResetBeforeBidiMasked(seed),
        [nameof(SimpleRnnReluSoftmax)] = static seed => new SimpleRnnReluSoftmax(seed),
        [nameof(LstmHardSigmoid)] = static seed => new LstmHardSigmoid(seed),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SavingAndLoadingIsBitExactAndTheConfigIsTheModels(string name, string extension)
    {
        using var temp = new TempFolder();
        IRnnModel saved = Factories[name](1);
        TestData.RandomizeWeights(saved, seed: 5);
        string path = Path.Combine(temp.Path, "model" + extension);
        saved.SaveKeras(path);

        IRnnModel loaded = Factories[name](2);
        Assert.False(saved.Parameters.SequenceEqual(loaded.Parameters));
        loaded.LoadKeras(path);
        Assert.True(saved.Parameters.SequenceEqual(loaded.Parameters), "the weights changed on the way");

        // A weights file records no config: its shapes give the rest, while masking and activations are Keras' defaults.
        KerasArchitecture architecture = KerasFiles.ReadArchitecture(path);
        if (extension == ".weights.h5")
        {
            architecture = architecture with
            {
                MaskZero = saved.Description.MaskZero,
                Activation = saved.Description.Activation,
                RecurrentActivation = saved.Description.RecurrentActivation,
            };
        }

        Assert.Empty(architecture.Mismatches(saved.Description));
        Assert.Equal(extension == ".weights.h5" ? null : saved.Description.SeqLen, architecture.SeqLen);
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void TheKerasArchiveHasKerasEntriesStoredInKerasOrder()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "model.keras");
        new GruBidi(seed: 1).SaveKeras(path);
        using ZipArchive archive = ZipFile.OpenRead(path);
        Assert.Equal(["metadata.json", "config.json", "model.weights.h5"], archive.Entries.Select(static e => e.FullName));
        Assert.All(archive.Entries, static e => Assert.Equal(e.Length, e.CompressedLength));
    }

    [Fact]
    public void AnotherArchitectureIsRefusedWithEveryDifferenceNamedAndTheModelUnchanged()
    {
        var model = new LstmS1MaskedT9(seed: 3);
        float[] before = model.Parameters.ToArray();
        string path = KerasFixtureTests.KerasPath("lstm_S1", ".keras");
        var error = Assert.Throws<KerasFileException>(() => model.LoadKeras(path));
        Assert.Contains("sequence length (input shape): the file has 6, the model 9", error.Message, StringComparison.Ordinal);
        Assert.Contains("mask_zero: the file has false, the model true", error.Message, StringComparison.Ordinal);
        Assert.Contains("(written by Keras 3.13.2)", error.Message, StringComparison.Ordinal);
        Assert.True(before.AsSpan().SequenceEqual(model.Parameters));

        var gru = new GruS1(seed: 3);
        error = Assert.Throws<KerasFileException>(() => gru.LoadKeras(KerasFixtureTests.KerasPath("lstm_S1", ".h5")));
        Assert.Contains("cell: the file has LSTM, the model GRU", error.Message, StringComparison.Ordinal);
        Assert.Contains("(written by Keras 2.15.0)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWeightsFileOfOtherShapesNamesTheDatasetAndBothShapes()
    {
        var model = new LstmS1Units8(seed: 3);
        float[] before = model.Parameters.ToArray();
        var error = Assert.Throws<KerasFileException>(() => model.LoadKeras(KerasFixtureTests.KerasPath("lstm_S1", ".weights.h5")));
        Assert.Contains("layers/lstm/cell/vars/0 has the shape (5, 28), but LstmS1Units8's lstm/kernel is (5, 32)", error.Message, StringComparison.Ordinal);
        Assert.True(before.AsSpan().SequenceEqual(model.Parameters));

        error = Assert.Throws<KerasFileException>(() => new GruS1(seed: 3).LoadKeras(KerasFixtureTests.KerasPath("lstm_S1", ".weights.h5")));
        Assert.Contains("the file has layers/lstm where GruS1 has layers/gru (the file's layers: embedding, lstm, lstm_1, dense)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DamagedAndForeignFilesAreNamed()
    {
        using var temp = new TempFolder();
        var model = new LstmS1(seed: 1);
        string text = Path.Combine(temp.Path, "notes.keras");
        File.WriteAllText(text, "not a model");
        Assert.Contains("is not a Keras file: neither a zip archive", Assert.Throws<KerasFileException>(() => model.LoadKeras(text)).Message, StringComparison.Ordinal);

        // A zip without config.json.
        string zip = Path.Combine(temp.Path, "other.keras");
        using (ZipArchive archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using StreamWriter writer = new(archive.CreateEntry("readme.txt").Open());
            writer.Write("hello");
        }

        Assert.Contains("has no config.json (entries: readme.txt)", Assert.Throws<KerasFileException>(() => model.LoadKeras(zip)).Message, StringComparison.Ordinal);

        // A .keras whose config has a layer RnnGen does not compile.
        string dropout = Path.Combine(temp.Path, "dropout.keras");
        File.Copy(KerasFixtureTests.KerasPath("lstm_S1", ".keras"), dropout);
        using (ZipArchive archive = ZipFile.Open(dropout, ZipArchiveMode.Update))
        {
            ZipArchiveEntry config = archive.GetEntry("config.json")!;
            string json;
            using (var reader = new StreamReader(config.Open()))
            {
                json = reader.ReadToEnd();
            }

            config.Delete();
            json = json.Replace("{\"module\": \"keras.layers\", \"class_name\": \"Dense\"", "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"dropout\", \"rate\": 0.5}}, {\"module\": \"keras.layers\", \"class_name\": \"Dense\"", StringComparison.Ordinal);
            using var writer = new StreamWriter(archive.CreateEntry("config.json").Open());
            writer.Write(json);
        }

        Assert.Contains("config.json: layer 4 'dropout' (Dropout): RnnGen compiles Embedding", Assert.Throws<KerasFileException>(() => model.LoadKeras(dropout)).Message, StringComparison.Ordinal);

        // HDF5 cut short.
        string truncated = Path.Combine(temp.Path, "cut.weights.h5");
        byte[] bytes = File.ReadAllBytes(KerasFixtureTests.KerasPath("lstm_S1", ".weights.h5"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);
        Assert.Contains($"{truncated} is damaged or not a Keras file this reader understands", Assert.Throws<KerasFileException>(() => model.LoadKeras(truncated)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASaveThatCannotBeWrittenLeavesThePreviousFile()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "model.keras");
        File.WriteAllText(path, "previous");
        var error = Assert.Throws<NotSupportedException>(() => new LstmHardSigmoid(seed: 1).SaveKeras(path));
        Assert.Contains("Keras 3 no longer has", error.Message, StringComparison.Ordinal);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(temp.Path));
        Assert.Throws<ArgumentException>(() => new LstmS1(seed: 1).SaveKeras(Path.Combine(temp.Path, "model.onnx")));
    }
}
