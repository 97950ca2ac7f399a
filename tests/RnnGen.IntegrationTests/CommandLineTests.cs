using System.Globalization;
using System.Text.RegularExpressions;
using ImdbSample;
using RnnGen.Checkpoints;
using RnnGen.Data;
using RnnGen.Optimizers;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The sample's command line without the IMDB data: help, argument errors, and predict on a small model folder built here.
/// Every error must be one line on stderr with exit code 1, never a stack trace.
/// </summary>
public sealed partial class CommandLineTests
{
    [Fact]
    public void Help_lists_the_commands_and_the_train_options()
    {
        SampleRun run = SampleProcess.Run("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string expected in new[] { "train", "evaluate", "predict", "export", "keras-attribute", "--model", "--data", "--epochs", "--batch-size", "--seed", "--output", "--learning-rate", "--quiet", "--verbose" })
        {
            Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_catalog_holds_the_seed_model_the_second_setup_its_masked_and_bidirectional_LSTMs_and_the_masked_bidirectional_rating_model()
    {
        // Parameter counts from docs/keras-conventions.md, Parameter counts (GRU with reset_after: 3u(d+u+2) = 6,336 recurrent parameters).
        var expected = new Dictionary<string, (RnnCell Cell, int SeqLen, int Parameters, string Optimizer)>
        {
            ["seed"] = (RnnCell.SimpleRnn, 80, 1_018_881, "adam"),
            ["simplernn"] = (RnnCell.SimpleRnn, 500, 322_113, "rmsprop"),
            ["lstm"] = (RnnCell.Lstm, 500, 328_353, "rmsprop"),
            ["gru"] = (RnnCell.Gru, 500, 326_369, "rmsprop"),
            ["lstm-masked"] = (RnnCell.Lstm, 500, 328_353, "rmsprop"),
            ["bilstm"] = (RnnCell.Lstm, 500, 336_705, "rmsprop"), // 320,000 + 2·4·32·(32 + 32 + 1) + (2·32 + 1)
            ["rating"] = (RnnCell.Gru, 500, 1_431_048, "adam"), // 20000·64 + 2·3·128·(64 + 128 + 2) + (2·128 + 1)·8
        };

        Assert.Equal(expected.Keys.Order(), ModelCatalog.All.Select(entry => entry.Name).Order());
        foreach (ModelEntry entry in ModelCatalog.All)
        {
            ModelDescription description = entry.Create(0).Description;
            Assert.Equal(expected[entry.Name], (description.Cell, description.SeqLen, description.ParameterCount, entry.Recipe.CreateOptimizer(1e-3f).Name));
            Assert.Equal((1e-3f, entry.Name == "rating" ? 64 : 128, 0.2), (entry.Recipe.LearningRate, entry.Recipe.BatchSize, entry.Recipe.ValidationSplit));
            Assert.Equal(entry.Name == "rating" ? 8 : 1, description.Classes);
            Assert.Equal(entry.Name is "lstm-masked" or "bilstm" or "rating", description.MaskZero);
            Assert.Equal(entry.Name is "bilstm" or "rating", description.Bidirectional);
        }
    }

    [Fact]
    public void An_unknown_model_is_one_line_naming_the_known_ones()
    {
        AssertOneLineError(SampleProcess.Run("train", "--model", "transformer"), "There is no model 'transformer'; --model takes one of: seed, simplernn, lstm, gru, lstm-masked, bilstm, rating.");
    }

    [Fact]
    public void Missing_data_is_one_line()
    {
        using var temp = new TempFolder();
        string missing = Path.Combine(temp.Path, "aclImdb_v1.tar.gz");
        AssertOneLineError(SampleProcess.Run("train", "--data", missing, "--output", Path.Combine(temp.Path, "out")), $"The IMDB data path '{missing}' does not exist.");
    }

    [Fact]
    public void Bad_option_values_are_one_line()
    {
        AssertOneLineError(SampleProcess.Run("train", "--epochs", "0"), "--epochs must be at least 1, not 0.");
        AssertOneLineError(SampleProcess.Run("train", "--epochs", "ten"), "Argument 'epochs' failed to parse");
        AssertOneLineError(SampleProcess.Run("predict", "--colour", "red", "text"), "is not recognized");
        AssertOneLineError(SampleProcess.Run("evaluate", "--last-tokens", "20,0"), "--last-tokens takes positive whole numbers separated by commas, such as 20,50,100; '0' is not one.");
        AssertOneLineError(SampleProcess.Run("export", "--format", "tflite"), "--format takes onnx, keras, weights.h5 or h5, not 'tflite'.");
        AssertOneLineError(SampleProcess.Run("export", "--format", "keras", "--file", "model.h5"), "--file 'model.h5' does not end with .keras, the extension of --format keras.");
        AssertOneLineError(SampleProcess.Run("keras-attribute", "missing.keras"), "There is no Keras file 'missing.keras'.");
    }

    [Fact]
    public void A_missing_model_folder_is_one_line()
    {
        using var temp = new TempFolder();
        string missing = Path.Combine(temp.Path, "nothing");
        AssertOneLineError(SampleProcess.Run("predict", "--output", missing, "A fine film."), $"There is no model folder '{missing}'");
        AssertOneLineError(SampleProcess.Run("evaluate", "--output", temp.Path), "is not a model folder: it has no model.json");
    }

    [Fact]
    public void Predict_encodes_text_with_the_saved_vocabulary_exactly_as_the_model_in_process_does()
    {
        using var temp = new TempFolder();
        (ModelFolder folder, IRnnModel model, Vocabulary vocabulary) = TinySeedFolder(temp);
        const string Text = "A good film<br /><br />with a GOOD cast, and a plot that is not bad at all!";

        SampleRun run = SampleProcess.Run("predict", "--output", folder.Path, Text);

        Assert.True(run.ExitCode == 0, run.ToString());
        float expected = model.Predict(ImdbDataset.EncodeText(Text, vocabulary, folder.ReadInfo().ToDataOptions()))[0];
        string label = expected > 0.5f ? "positive" : "negative";
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{label} (probability of positive: {expected:F4})"), run.Output, StringComparison.Ordinal);
        Assert.Contains("Text: 16 words, 6 outside the model's 10,000-word vocabulary.", run.Output, StringComparison.Ordinal);

        SampleRun quiet = SampleProcess.Run("predict", "-q", "-o", folder.Path, Text);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{label} (probability of positive: {expected:F4})"), quiet.Output.Trim());
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_one_line_naming_the_mismatch()
    {
        using var temp = new TempFolder();
        (ModelFolder folder, _, _) = TinySeedFolder(temp);

        // model.json says LSTM, as if the folder had been trained so; the classifier files are still the seed model's.
        folder.WriteInfo(Info("lstm", ImdbLstm.Description));
        AssertOneLineError(SampleProcess.Run("predict", "--output", folder.Path, "text"), ", not Lstm(sigmoid) V=10000 E=32 U=32 L=1 T=500");

        folder.WriteInfo(Info("seed", ImdbSentiment.Description));
        AssertOneLineError(SampleProcess.Run("predict", "--model", "gru", "--output", folder.Path, "text"), "holds a 'seed' model, not 'gru'");
    }

    [Fact]
    public void A_corrupt_model_folder_is_one_line()
    {
        using var temp = new TempFolder();
        (ModelFolder folder, _, _) = TinySeedFolder(temp);
        byte[] weights = File.ReadAllBytes(folder.WeightsPath);
        File.WriteAllBytes(folder.WeightsPath, weights.AsSpan(0, weights.Length / 2).ToArray());
        AssertOneLineError(SampleProcess.Run("predict", "--output", folder.Path, "text"), folder.WeightsPath);

        File.WriteAllText(folder.InfoPath, "{ \"model\": ");
        AssertOneLineError(SampleProcess.Run("predict", "--output", folder.Path, "text"), "is not a valid model description");
    }

    /// <summary>
    /// model.json is checked against the compiled model, field by field. Before, seq_len 40 or 0 and num_words 1 ended in
    /// stack traces, num_words 20000 crashed on a rare word, and seq_len 160 split the text into two rows silently.
    /// </summary>
    [Theory]
    [InlineData("seq_len", 40, "seq_len is 40, but the 'seed' model reads sequences of 80 tokens")]
    [InlineData("seq_len", 0, "seq_len is 0, but the 'seed' model reads sequences of 80 tokens")]
    [InlineData("seq_len", 160, "seq_len is 160, but the 'seed' model reads sequences of 80 tokens")]
    [InlineData("num_words", 1, "num_words is 1, but the 'seed' model has a vocabulary of 10000 ids")]
    [InlineData("num_words", 20000, "num_words is 20000, but the 'seed' model has a vocabulary of 10000 ids")]
    [InlineData("skip_top", 10000, "skip_top is 10000, but it must be from 0 to 9999")]
    public void A_model_json_that_does_not_fit_the_compiled_model_is_one_line_naming_the_field(string field, int value, string expected)
    {
        using var temp = new TempFolder();
        (ModelFolder folder, _, _) = TinySeedFolder(temp);
        ModelInfo info = Info("seed", ImdbSentiment.Description);
        folder.WriteInfo(field switch
        {
            "seq_len" => info with { SeqLen = value },
            "num_words" => info with { NumWords = value },
            _ => info with { SkipTop = value },
        });

        AssertOneLineError(SampleProcess.Run("predict", "--output", folder.Path, "a rare zymurgy film"), $"'{folder.InfoPath}': {expected}; the file was edited");
        AssertOneLineError(SampleProcess.Run("evaluate", "--output", folder.Path, "--data", Path.Combine(temp.Path, "none")), expected);
    }

    [Fact]
    public void A_padding_that_is_neither_pre_nor_post_is_one_line()
    {
        using var temp = new TempFolder();
        (ModelFolder folder, _, _) = TinySeedFolder(temp);
        folder.WriteInfo(Info("seed", ImdbSentiment.Description) with { Padding = "middle" });
        AssertOneLineError(SampleProcess.Run("predict", "--output", folder.Path, "text"), "padding is 'middle', but it must be 'pre' or 'post'");
    }

    [Fact]
    public void A_folder_trained_before_the_classifier_files_existed_still_predicts()
    {
        using var temp = new TempFolder();
        var folder = new ModelFolder(Path.Combine(temp.Path, "seed"));
        Directory.CreateDirectory(folder.Path);
        var model = new ImdbSentiment(seed: 5);
        Checkpoint.Save(folder.WeightsPath, model);
        Vocabulary vocabulary = Vocabulary.Build(["a good film, a good cast", "a bad film and a bad plot", "the plot"]);
        vocabulary.Save(folder.VocabularyPath);
        ModelInfo info = Info("seed", ImdbSentiment.Description);
        folder.WriteInfo(info);

        SampleRun run = SampleProcess.Run("predict", "-q", "--output", folder.Path, "a good film");

        Assert.True(run.ExitCode == 0, run.ToString());
        float p = model.Predict(ImdbDataset.EncodeText("a good film", vocabulary, info.ToDataOptions()))[0];
        Assert.Contains(p.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), run.Output, StringComparison.Ordinal);
    }

    /// <summary>A folder as train writes it, with an untrained seed model and a vocabulary of a few words.</summary>
    internal static (ModelFolder Folder, IRnnModel Model, Vocabulary Vocabulary) TinySeedFolder(TempFolder temp)
    {
        var folder = new ModelFolder(Path.Combine(temp.Path, "seed"));
        Directory.CreateDirectory(folder.Path);
        var model = new ImdbSentiment(seed: 5);
        Vocabulary vocabulary = Vocabulary.Build(["a good film, a good cast", "a bad film and a bad plot", "the plot"]);
        ModelInfo info = Info("seed", ImdbSentiment.Description);
        folder.SaveClassifier(model, vocabulary, info.ToDataOptions());
        folder.WriteInfo(info);
        return (folder, model, vocabulary);
    }

    private static ModelInfo Info(string name, ModelDescription description) => new()
    {
        Model = name,
        Spec = description.SpecText,
        NumWords = description.Vocab,
        SeqLen = description.SeqLen,
        Training = new TrainingInfo("adam", 1e-3f, 128, 0, 0.2, 1, 1, 1, true, null, "built by the test"),
    };

    private static void AssertOneLineError(SampleRun run, string expected)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        string error = run.Error.TrimEnd();
        Assert.True(!error.Contains('\n', StringComparison.Ordinal) && error.StartsWith("error: ", StringComparison.Ordinal), run.ToString());
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), run.Output + run.Error);
    }

    [GeneratedRegex(@"^\s+at \S", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
