using System.Buffers.Binary;
using System.Text.Json;
using System.Text;
using RnnGen.Checkpoints;
using RnnGen.Data;
using RnnGen.Initialization;
using RnnGen.Optimizers;

namespace RnnGen.Training.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _directory = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    /// <summary>A model and an Adam optimizer after a few real steps, so that weights and both slots are non-trivial.</summary>
    private static (TinyModel Model, Adam Optimizer) Trained(int embed = 4)
    {
        var model = new TinyModel(embed: embed);
        var optimizer = new Adam(learningRate: 0.01f);
        SequenceDataset data = TestData.Sentiment(16);
        for (int i = 0; i < 3; i++)
        {
            model.TrainStep(data.Tokens, data.Labels, optimizer);
        }

        return (model, optimizer);
    }

    [Fact]
    public void Round_trip_restores_weights_and_optimizer_state_bit_for_bit()
    {
        (TinyModel model, Adam optimizer) = Trained();
        string path = PathOf("model.safetensors");

        Checkpoint.Save(path, model, optimizer);
        var fresh = new TinyModel(seed: 99);
        var freshOptimizer = new Adam(learningRate: 0.01f);
        TrainingCheckpoint checkpoint = Checkpoint.Load(path, fresh, freshOptimizer);

        Assert.Equal(model.Parameters.ToArray(), fresh.Parameters.ToArray());
        Assert.Same(freshOptimizer, checkpoint.Optimizer);
        Assert.Equal(3, freshOptimizer.Iterations);
        Assert.Equal(optimizer.GetSlot(0).ToArray(), freshOptimizer.GetSlot(0).ToArray());
        Assert.Equal(optimizer.GetSlot(1).ToArray(), freshOptimizer.GetSlot(1).ToArray());
        Assert.Null(checkpoint.Position);
        Assert.Equal(model.Description.SpecText, checkpoint.ModelSpec);
    }

    [Fact]
    public void Written_file_follows_the_safetensors_layout()
    {
        (TinyModel model, Adam optimizer) = Trained();
        string path = PathOf("layout.safetensors");
        Checkpoint.Save(path, model, optimizer);
        byte[] file = File.ReadAllBytes(path);

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0UL, headerLength % 8);
        byte[] header = file.AsSpan(8, (int)headerLength).ToArray();
        string headerText = Encoding.UTF8.GetString(header);
        Assert.StartsWith("{", headerText);
        Assert.EndsWith("}", headerText.TrimEnd(' ')); // the JSON, then only padding spaces
        Assert.InRange(headerText.Length - headerText.TrimEnd(' ').Length, 0, 7);

        using JsonDocument document = JsonDocument.Parse(headerText);
        JsonElement root = document.RootElement;
        JsonElement metadata = root.GetProperty("__metadata__");
        Assert.All(metadata.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal("rnngen-checkpoint", metadata.GetProperty("format").GetString());
        Assert.Equal("1", metadata.GetProperty("format_version").GetString());
        Assert.Equal(model.Description.SpecText, metadata.GetProperty("model.spec").GetString());
        Assert.Equal("adam", metadata.GetProperty("optimizer.name").GetString());
        Assert.Equal("3", metadata.GetProperty("optimizer.iterations").GetString());
        Assert.Equal("0.01", metadata.GetProperty("optimizer.learning_rate").GetString());
        Assert.Equal("0.999", metadata.GetProperty("optimizer.beta_2").GetString());

        string[] expectedNames =
        [
            "embedding/embeddings", "dense/kernel", "dense/bias",
            "optimizer/adam/m/embedding/embeddings", "optimizer/adam/m/dense/kernel", "optimizer/adam/m/dense/bias",
            "optimizer/adam/v/embedding/embeddings", "optimizer/adam/v/dense/kernel", "optimizer/adam/v/dense/bias",
        ];
        var tensors = root.EnumerateObject().Where(p => p.Name != "__metadata__").ToList();
        Assert.Equal(expectedNames, tensors.Select(t => t.Name));

        long dataStart = 8 + (long)headerLength;
        long expectedBegin = 0;
        foreach (JsonProperty tensor in tensors)
        {
            Assert.Equal("F32", tensor.Value.GetProperty("dtype").GetString());
            long[] offsets = tensor.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            long elements = tensor.Value.GetProperty("shape").EnumerateArray().Aggregate(1L, (n, d) => n * d.GetInt64());
            Assert.Equal(expectedBegin, offsets[0]);
            Assert.Equal(offsets[0] + (elements * 4), offsets[1]);
            expectedBegin = offsets[1];
        }

        Assert.Equal(dataStart + expectedBegin, file.Length);
        Assert.Equal([20, 4], tensors[0].Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([1], tensors[2].Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));

        // The data is the parameter buffer, little-endian, in tensor order; then Adam's m and v.
        float[] stored = new float[model.Parameters.Length];
        for (int i = 0; i < stored.Length; i++)
        {
            stored[i] = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan((int)dataStart + (i * 4)));
        }

        Assert.Equal(model.Parameters.ToArray(), stored);
        float firstM = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan((int)dataStart + (stored.Length * 4)));
        Assert.Equal(optimizer.GetSlot(0)[0], firstM);
    }

    [Fact]
    public void A_model_of_another_shape_is_rejected_naming_the_tensor_and_both_shapes()
    {
        string path = PathOf("embed4.safetensors");
        Checkpoint.Save(path, new TinyModel(embed: 4));
        var other = new TinyModel(embed: 3);
        float[] before = other.Parameters.ToArray();

        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, other));

        Assert.Contains("'embedding/embeddings'", error.Message);
        Assert.Contains("(20, 4) in the checkpoint", error.Message);
        Assert.Contains("(20, 3) in the model", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Equal(before, other.Parameters.ToArray()); // nothing was loaded
    }

    [Fact]
    public void A_model_with_other_layers_is_rejected_naming_both_tensors()
    {
        string path = PathOf("dense.safetensors");
        Checkpoint.Save(path, new TinyModel());

        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new TinyModel(denseName: "lstm")));

        Assert.Contains("'lstm/kernel' with shape (4, 1) is missing", error.Message);
        Assert.Contains("'dense/kernel' with shape (4, 1)", error.Message);
    }

    [Fact]
    public void A_model_with_another_activation_is_rejected()
    {
        string path = PathOf("tanh.safetensors");
        Checkpoint.Save(path, new TinyModel());

        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new TinyModel(activation: RnnActivation.Relu)));

        Assert.Contains("SimpleRnn(Tanh) in the checkpoint but SimpleRnn(Relu) in the model", error.Message);
    }

    [Fact]
    public void Optimizer_state_of_another_kind_is_rejected_and_a_missing_optimizer_is_rebuilt()
    {
        (TinyModel model, Adam optimizer) = Trained();
        string path = PathOf("adam.safetensors");
        Checkpoint.Save(path, model, optimizer);

        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new TinyModel(), new RmsProp()));
        Assert.Contains("'adam'", error.Message);
        Assert.Contains("'rmsprop'", error.Message);

        TrainingCheckpoint checkpoint = Checkpoint.Load(path, new TinyModel());
        Adam rebuilt = Assert.IsType<Adam>(checkpoint.Optimizer);
        Assert.Equal((0.01f, 0.9f, 0.999f, 1e-7f), (rebuilt.LearningRate, rebuilt.Beta1, rebuilt.Beta2, rebuilt.Epsilon));
        Assert.Equal(optimizer.Iterations, rebuilt.Iterations);
        Assert.Equal(optimizer.GetSlot(1).ToArray(), rebuilt.GetSlot(1).ToArray());
    }

    [Fact]
    public void A_truncated_file_is_rejected_naming_the_file()
    {
        string path = PathOf("truncated.safetensors");
        Checkpoint.Save(path, new TinyModel());
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);

        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new TinyModel()));

        Assert.Contains($"'{path}'", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData("empty", "too short")]
    [InlineData("length", "header length field")]
    [InlineData("json", "not valid JSON")]
    [InlineData("overlap", "overlaps")]
    [InlineData("gap", "no tensor covers")]
    [InlineData("size", "span")]
    [InlineData("trailing", "inconsistent")]
    [InlineData("foreign", "not an RnnGen checkpoint")]
    [InlineData("version", "format version 99")]
    [InlineData("utf8", "its header is not valid UTF-8 (at byte")]
    public void A_corrupt_file_is_rejected_naming_the_file(string corruption, string expected)
    {
        string path = PathOf(corruption + ".safetensors");
        var model = new TinyModel();
        Checkpoint.Save(path, model);
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        byte[] data = bytes[(8 + headerLength)..];
        switch (corruption)
        {
            case "empty":
                File.WriteAllBytes(path, bytes[..5]);
                break;
            case "length":
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)bytes.Length);
                File.WriteAllBytes(path, bytes);
                break;
            case "json":
                bytes[8 + 1] = (byte)'#';
                File.WriteAllBytes(path, bytes);
                break;
            case "overlap":
                WriteFile(path, header.Replace("\"data_offsets\":[320,336]", "\"data_offsets\":[316,332]").Replace("\"data_offsets\":[336,340]", "\"data_offsets\":[332,336]"), data[..336]);
                break;
            case "gap":
                WriteFile(path, header.Replace("\"data_offsets\":[320,336]", "\"data_offsets\":[324,340]").Replace("\"data_offsets\":[336,340]", "\"data_offsets\":[340,344]"), [.. data, 0, 0, 0, 0]);
                break;
            case "size":
                WriteFile(path, header.Replace("\"shape\":[4,1]", "\"shape\":[5,1]"), data);
                break;
            case "trailing":
                File.WriteAllBytes(path, [.. bytes, 1, 2, 3, 4]);
                break;
            case "foreign":
                WriteFile(path, header.Replace("rnngen-checkpoint", "something-else"), data);
                break;
            case "version":
                WriteFile(path, header.Replace("\"format_version\":\"1\"", "\"format_version\":\"99\""), data);
                break;
            case "utf8":
                bytes[8 + header.IndexOf("rnngen-checkpoint", StringComparison.Ordinal)] = 0xFF;
                File.WriteAllBytes(path, bytes);
                break;
        }

        float[] before = model.Parameters.ToArray();
        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    /// <summary>
    /// Metadata a careless or hostile edit put out of range: an int field above int.MaxValue must not wrap (4294967297
    /// loaded as epoch 1), and optimizer settings that are not finite or that the optimizer rejects are checkpoint
    /// errors naming the file and the entry, not an ArgumentOutOfRangeException from deep inside.
    /// </summary>
    [Theory]
    [InlineData("training.epoch", "1", "4294967297", "is '4294967297', not an integer from 0 to 2147483647")]
    [InlineData("training.step", "0", "2147483648", "is '2147483648', not an integer from 0 to 2147483647")]
    [InlineData("training.batch_size", "4", "-4", "is '-4', not an integer from 0 to 2147483647")]
    [InlineData("optimizer.learning_rate", "0.01", "NaN", "'optimizer.learning_rate' is 'NaN', not a finite number")]
    [InlineData("optimizer.beta_1", "0.9", "Infinity", "'optimizer.beta_1' is 'Infinity', not a finite number")]
    [InlineData("optimizer.learning_rate", "0.01", "-1", "settings its 'adam' optimizer rejects")]
    public void Out_of_range_metadata_is_a_checkpoint_error_naming_the_entry(string key, string saved, string tampered, string expected)
    {
        (TinyModel model, Adam optimizer) = Trained();
        string path = PathOf("tampered.safetensors");
        var position = new TrainingPosition(1, 0, 4, 16, true, 0, new RnnRandom(0).State, 0, 0, 0, new History());
        Checkpoint.Save(path, model, optimizer, position);
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        string entry = $"\"{key}\":\"{saved}\"";
        Assert.True(header.Contains(entry, StringComparison.Ordinal), $"no {entry} in {header}");
        WriteFile(path, header.Replace(entry, $"\"{key}\":\"{tampered}\"", StringComparison.Ordinal), bytes[(8 + headerLength)..]);

        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new TinyModel()));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    /// <summary>Every optimizer writes its own settings and is rebuilt from them, non-default values included.</summary>
    [Theory]
    [InlineData("adam")]
    [InlineData("rmsprop")]
    [InlineData("sgd")]
    public void Each_optimizer_is_rebuilt_with_its_own_settings(string name)
    {
        Optimizer optimizer = name switch
        {
            "adam" => new Adam(learningRate: 0.02f, beta1: 0.8f, beta2: 0.99f, epsilon: 1e-5f),
            "rmsprop" => new RmsProp(learningRate: 0.03f, rho: 0.7f, epsilon: 1e-6f),
            _ => new Sgd(learningRate: 0.04f, momentum: 0.5f, nesterov: true),
        };
        var model = new TinyModel();
        SequenceDataset data = TestData.Sentiment(8);
        model.TrainStep(data.Tokens, data.Labels, optimizer);
        string path = PathOf($"{name}.safetensors");
        Checkpoint.Save(path, model, optimizer);

        Optimizer rebuilt = Checkpoint.Load(path, new TinyModel()).Optimizer!;

        Assert.Equal(optimizer.GetType(), rebuilt.GetType());
        Assert.Equal((optimizer.LearningRate, optimizer.Iterations), (rebuilt.LearningRate, rebuilt.Iterations));
        Assert.Equal(optimizer.Settings, rebuilt.Settings);
        Assert.NotEmpty(rebuilt.Settings);
    }

    [Fact]
    public void Non_finite_weights_are_refused_unless_the_caller_opts_in()
    {
        (TinyModel model, Adam optimizer) = Trained();
        model.Parameters[model.Description.Tensors[1].Offset + 2] = float.PositiveInfinity;
        model.Parameters[model.Description.Tensors[2].Offset] = float.NaN;
        string path = PathOf("diverged.safetensors");
        Checkpoint.Save(path, model, optimizer);

        var fresh = new TinyModel(seed: 5);
        float[] before = fresh.Parameters.ToArray();
        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, fresh));

        Assert.Contains(path, error.Message);
        string expected = $"holds 2 non-finite weights; the first is Infinity in '{model.Description.Tensors[1].Name}' at element 2";
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), error.Message);
        Assert.Equal(before, fresh.Parameters.ToArray());

        Checkpoint.Load(path, fresh, allowNonFinite: true);
        Assert.True(float.IsNaN(fresh.Parameters[model.Description.Tensors[2].Offset]));
    }

    [Fact]
    public void A_save_that_fails_halfway_leaves_the_previous_checkpoint_intact()
    {
        string path = PathOf("ckpt.safetensors");
        (TinyModel model, Adam optimizer) = Trained();
        Checkpoint.Save(path, model, optimizer);
        byte[] previous = File.ReadAllBytes(path);
        model.TrainStep(TestData.Sentiment(8).Tokens, TestData.Sentiment(8).Labels, optimizer);

        Assert.Throws<IOException>(() => Checkpoint.Save(path, model, optimizer, position: null, wrapStream: s => new FailingStream(s, failAfter: previous.Length / 2)));

        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["ckpt.safetensors"], Directory.GetFiles(_directory).Select(Path.GetFileName));
        var reloaded = new TinyModel();
        Checkpoint.Load(path, reloaded);
    }

    [Fact]
    public void A_leftover_temporary_file_is_never_loaded_and_is_cleaned_up_by_the_next_save()
    {
        string path = PathOf("ckpt.safetensors");
        var model = new TinyModel();
        Checkpoint.Save(path, model);
        string leftover = PathOf(".ckpt.safetensors.0123456789abcdef.tmp");
        File.WriteAllBytes(leftover, [1, 2, 3]);

        Checkpoint.Load(path, new TinyModel());
        Checkpoint.Save(path, model);

        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Saving_before_the_first_step_and_loading_gives_a_fresh_optimizer()
    {
        string path = PathOf("untrained.safetensors");
        Checkpoint.Save(path, new TinyModel(), new Adam());

        var optimizer = new Adam();
        Checkpoint.Load(path, new TinyModel(), optimizer);

        Assert.Equal(0, optimizer.Iterations);
        Assert.DoesNotContain("optimizer/", string.Join(",", Checkpoint.ReadHeader(path).Tensors.Select(t => t.Name)));
    }

    private static void WriteFile(string path, string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header.TrimEnd());
        int padded = (json.Length + 7) & ~7;
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        file.Write(length);
        file.Write(json);
        for (int i = json.Length; i < padded; i++)
        {
            file.WriteByte((byte)' ');
        }

        file.Write(data);
    }
}
