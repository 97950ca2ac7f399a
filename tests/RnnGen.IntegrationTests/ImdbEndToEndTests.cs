using System.Globalization;
using ImdbSample;
using RnnGen.Data;
using RnnGen.Keras;
using RnnGen.Serving;
using Xunit.Abstractions;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The sample on the real dataset: one epoch of the seed model, the full 25,000-review test split, then evaluate and predict
/// on the folder it wrote. Needs shared/data/imdb/aclImdb_v1-labeled.tar.gz above the checkout (or RNNGEN_DATA); without it the
/// test is reported as skipped, with the reason, and under CI (CI=true), where the archive must be present, it fails.
/// </summary>
public sealed class ImdbEndToEndTests(ITestOutputHelper log)
{
    /// <summary>
    /// A learning rate of 3e38 makes the first steps' loss non-finite: train stops there with one line on stderr and exit
    /// code 1, and writes no model. Before, it trained on with "loss: nan", exited 0 and saved a NaN model.
    /// </summary>
    [SkippableFact]
    public void A_diverging_run_stops_with_a_clear_error_and_saves_no_nan_model()
    {
        using var temp = new TempFolder();
        string archive = ImdbArchive.Find(temp, "the divergence test");
        var folder = new ModelFolder(Path.Combine(temp.Path, "seed"));

        SampleRun train = SampleProcess.Run(
            TimeSpan.FromMinutes(5), "train", "--epochs", "2", "--learning-rate", "3e38", "--data", archive, "--cache", Path.Combine(temp.Path, "cache"), "--output", folder.Path);
        log.WriteLine(train.ToString());

        Assert.True(train.ExitCode == 1, train.ToString());
        string error = train.Error.TrimEnd();
        Assert.True(error.StartsWith("error: The loss of batch ", StringComparison.Ordinal) && !error.Contains('\n', StringComparison.Ordinal), train.ToString());
        Assert.Contains("training diverged and was stopped (lower the learning rate, or check the data). Nothing was saved.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.WeightsPath), "a diverged run wrote model.safetensors");
        Assert.False(File.Exists(folder.InfoPath), "a diverged run wrote model.json");
    }

    [SkippableFact]
    public void One_epoch_of_the_seed_model_on_the_shared_IMDB_archive_reaches_70_percent_on_the_full_test_split_and_its_folder_serves_evaluate_and_predict()
    {
        using var temp = new TempFolder();
        string archive = ImdbArchive.Find(temp, "the end-to-end training test");
        string cache = Path.Combine(temp.Path, "cache");
        var folder = new ModelFolder(Path.Combine(temp.Path, "seed"));

        SampleRun train = SampleProcess.Run(
            // Seed 1. One epoch is sensitive to the order of the sums: seed 0's first epoch ended at 0.81, then 0.62 once
            // shards changed the order, and 0.81 again with the float nonlinearities; seeds 1-3 stayed at 0.79-0.83.
            TimeSpan.FromMinutes(15), "train", "--epochs", "1", "--seed", "1", "--data", archive, "--cache", cache, "--output", folder.Path);
        log.WriteLine(train.Output);
        Assert.True(train.ExitCode == 0, train.ToString());

        ModelInfo info = folder.ReadInfo();
        Assert.Equal(("seed", 1, true), (info.Model, info.Training.EpochsRun, info.Training.Completed));
        TestResult test = Assert.IsType<TestResult>(info.Test);
        Assert.Equal(25_000, test.Reviews);
        Assert.InRange(test.Accuracy, 0.70, 1.0);
        string accuracy = test.Accuracy.ToString("F4", CultureInfo.InvariantCulture);
        Assert.Contains($"Test accuracy: {accuracy}", train.Output, StringComparison.Ordinal);
        foreach (string file in new[] { folder.WeightsPath, folder.VocabularyPath, folder.HistoryJsonPath, folder.HistoryCsvPath, folder.CurvesPath })
        {
            Assert.True(File.Exists(file), $"train did not write {file}");
        }

        Assert.False(File.Exists(folder.BackupPath), "a completed run leaves no backup");

        // The same weights on the same reviews, read back from the encoded cache the training run wrote.
        SampleRun evaluate = SampleProcess.Run("evaluate", "--output", folder.Path, "--data", archive, "--cache", cache);
        log.WriteLine(evaluate.Output);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains("read from the encoded cache", evaluate.Output, StringComparison.Ordinal);
        Assert.Contains($"Test accuracy: {accuracy}", evaluate.Output, StringComparison.Ordinal);

        SampleRun positive = SampleProcess.Run("predict", "-q", "-o", folder.Path,
            "One of the best films I have ever seen. The acting is brilliant, the story is beautiful and moving, and the music is wonderful. A must see, I loved it.");
        SampleRun negative = SampleProcess.Run("predict", "-q", "-o", folder.Path,
            "The worst movie I have ever seen. Terrible acting, a boring and stupid plot, awful dialogue. A complete waste of time and money; avoid it.");
        log.WriteLine($"positive review: {positive.Output}negative review: {negative.Output}");
        Assert.StartsWith("positive (", positive.Output, StringComparison.Ordinal);
        Assert.StartsWith("negative (", negative.Output, StringComparison.Ordinal);

        // The folder is a runtime unit: TextClassifier.Load with the compiled model class gives the sample's probability.
        TextClassifier loadedClassifier = TextClassifier.Load(folder.Path, new ImdbSentiment());
        TextPrediction inProcess = loadedClassifier.Predict(
            "One of the best films I have ever seen. The acting is brilliant, the story is beautiful and moving, and the music is wonderful. A must see, I loved it.");
        Assert.Equal("positive", inProcess.Label);
        Assert.Contains(inProcess.Probabilities[1].ToString("F4", CultureInfo.InvariantCulture), positive.Output, StringComparison.Ordinal);

        // Many reviews at once: a file with one review per line, as JSON Lines and as CSV, labels as above.
        string reviews = Path.Combine(temp.Path, "reviews.txt");
        File.WriteAllLines(reviews, [
            "One of the best films I have ever seen. The acting is brilliant, the story is beautiful and moving, and the music is wonderful. A must see, I loved it.",
            "The worst movie I have ever seen. Terrible acting, a boring and stupid plot, awful dialogue. A complete waste of time and money; avoid it."]);
        SampleRun json = SampleProcess.Run("predict", reviews, "-o", folder.Path);
        Assert.True(json.ExitCode == 0, json.ToString());
        string[] lines = json.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["positive", "negative"], lines.Select(static l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("label").GetString()));
        SampleRun csv = SampleProcess.Run("predict", reviews, "-o", folder.Path, "--format", "csv");
        Assert.True(csv.ExitCode == 0, csv.ToString());
        string[] rows = csv.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("text,label,probability", rows[0].TrimEnd('\r'));
        Assert.Contains("\",positive,", rows[1], StringComparison.Ordinal); // the review holds commas, so it is quoted
        Assert.Contains("\",negative,", rows[2], StringComparison.Ordinal);

        // The trained model exported to ONNX and run in ONNX Runtime on all 25,000 test reviews, as encoded for evaluate.
        SampleRun export = SampleProcess.Run("export", "-o", folder.Path);
        log.WriteLine(export.Output);
        Assert.True(export.ExitCode == 0, export.ToString());
        (_, TextClassifier classifier, ModelInfo loaded) = folder.LoadModel(requestedModel: null);
        IRnnModel model = classifier.Model;
        ImdbDataset data = ImdbDataset.Load(loaded.ToDataOptions() with { DataPath = archive, CacheFolder = cache });
        float worst = OnnxRuntimeCheck.WorstDifference(folder.OnnxPath, model, data.Test);
        log.WriteLine($"ONNX Runtime vs RnnGen on {data.Test.Count:N0} test reviews: max |difference| of the probabilities {worst:E2}");
        Assert.InRange(worst, 0f, 1e-5f);

        // The trained model as a Keras file: the attribute it prints is the model's, and its weights come back bit for bit.
        SampleRun keras = SampleProcess.Run("export", "-o", folder.Path, "--format", "keras");
        Assert.True(keras.ExitCode == 0, keras.ToString());
        SampleRun attribute = SampleProcess.Run("keras-attribute", folder.KerasPath);
        Assert.True(attribute.ExitCode == 0, attribute.ToString());
        Assert.Equal("[RnnModel(Vocab = 10000, Embed = 100, Units = 64, Layers = 2, SeqLen = 80)]", attribute.Output.Trim());
        var fromKeras = new ImdbSample.ImdbSentiment(seed: 99);
        fromKeras.LoadKeras(folder.KerasPath);
        Assert.True(model.Parameters.SequenceEqual(fromKeras.Parameters), "the .keras file does not hold the trained weights");
    }
}

/// <summary>The rating model end to end: 8 star classes from the file names, one epoch, the star figures, predict.</summary>
public sealed class RatingEndToEndTests(ITestOutputHelper log)
{
    [SkippableFact]
    public void The_rating_model_trains_reports_stars_beside_the_majority_baseline_and_predicts_a_rating()
    {
        using var temp = new TempFolder();
        string archive = ImdbArchive.Find(temp, "the rating model test");
        var folder = new ModelFolder(Path.Combine(temp.Path, "rating"));

        SampleRun train = SampleProcess.Run(
            TimeSpan.FromMinutes(10), "train", "--model", "rating", "--epochs", "1", "--data", archive, "--cache", Path.Combine(temp.Path, "cache"), "--output", folder.Path);
        log.WriteLine(train.Output);
        Assert.True(train.ExitCode == 0, train.ToString());

        ModelInfo info = folder.ReadInfo();
        Assert.Equal("rating", info.Labels);
        TestResult test = Assert.IsType<TestResult>(info.Test);
        Assert.InRange(test.Accuracy, 0.30, 1.0); // one epoch; 8 classes, majority 0.2009
        Assert.InRange(test.WithinOneStar!.Value, 0.45, 1.0);
        Assert.Contains("Majority baseline (always 1 star): accuracy 0.2009", train.Output, StringComparison.Ordinal);
        Assert.Matches(@"Stars: accuracy 0\.\d{4}, within one star 0\.\d{4}, mean absolute error \d\.\d{3} stars\.", train.Output);

        SampleRun predict = SampleProcess.Run("predict", "-q", "-o", folder.Path,
            "The worst movie I have ever seen. Terrible acting, a boring and stupid plot, awful dialogue. A complete waste of time; 1/10.");
        log.WriteLine(predict.Output);
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Matches(@"^(1 star|[234] stars) \(probability 0\.\d{4}; 1: ", predict.Output);
    }
}

/// <summary>The IMDB archive for the tests that train on the real data.</summary>
internal static class ImdbArchive
{
    /// <summary>
    /// The archive the sample finds by itself (RNNGEN_DATA or the shared folder). Without one the test is reported as skipped,
    /// saying that <paramref name="what"/> did not run; under CI (CI=true), where the archive must be present, it fails.
    /// </summary>
    public static string Find(TempFolder temp, string what)
    {
        DataLocation? location = DataLocator.ForCurrentProcess().Find(null, Path.Combine(temp.Path, "no-cache"));
        if (location is not null)
        {
            return location.Path;
        }

        string reason = $"The IMDB archive shared/data/imdb/{DataLocator.LabeledArchiveName} is not above '{AppContext.BaseDirectory}' and {DataLocator.EnvironmentVariable} is unset: {what} did not run.";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(reason + " CI must provide the archive.");
        }

        Skip.If(true, reason);
        return "";
    }
}
