using System.Text.RegularExpressions;
using RnnGen.Callbacks;
using RnnGen.Checkpoints;
using RnnGen.Data;
using RnnGen.Execution;
using RnnGen.Initialization;
using RnnGen.Optimizers;

namespace RnnGen.Training.Tests;

public sealed class TrainerTests : IDisposable
{
    private readonly string _directory = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Samples whose two tokens are (first, 100 + index): the first token drives the stub's logit, the second names the sample.</summary>
    private static SequenceDataset Numbered(int[] first, float[] labels)
    {
        int[] tokens = new int[first.Length * 2];
        for (int i = 0; i < first.Length; i++)
        {
            tokens[2 * i] = first[i];
            tokens[(2 * i) + 1] = 100 + i;
        }

        return new SequenceDataset(tokens, labels, 2);
    }

    private static SequenceDataset Numbered(int count) => Numbered(new int[count], new float[count]);

    private static int[] SampleIds(int[] batch) => batch.Where((_, i) => i % 2 == 1).Select(t => t - 100).ToArray();

    /// <summary>
    /// A NaN loss stops the run at its batch (as Keras' TerminateOnNaN): no epoch end follows, so the backup keeps the
    /// last finite epoch and the history only complete epochs; Fit throws, naming the batch. Before, the run went on to
    /// the end and saved a NaN model.
    /// </summary>
    [Fact]
    public void A_non_finite_loss_stops_training_at_its_batch_and_keeps_the_last_finite_backup()
    {
        // 10 samples in batches of 4: 3 steps per epoch; step 4 (the second of epoch 2) returns NaN.
        var model = new StubModel { LossOfStep = step => step == 4 ? float.NaN : 0.5f };
        string backup = Path.Combine(_directory, "backup.safetensors");
        var output = new StringWriter();
        var callbacks = new Callback[] { new BackupAndRestore(backup) };

        var error = Assert.Throws<TrainingDivergedException>(() =>
            model.Fit(Numbered(10), epochs: 5, batchSize: 4, new Sgd(), callbacks: callbacks, output: output, verbose: 2));

        Assert.Equal(1, error.Epoch);
        Assert.Equal(2, error.Step);
        Assert.True(float.IsNaN(error.Loss));
        Assert.Contains("The loss of batch 2 of epoch 2 is NaN", error.Message, StringComparison.Ordinal);
        Assert.Contains("Training stopped: the loss of batch 2/3 of epoch 2/5 is NaN.", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, error.History.Count);
        Assert.Equal(5, model.Steps);
        TrainingCheckpoint kept = Checkpoint.Load(backup, new StubModel());
        Assert.Equal(1, kept.Position!.Epoch);
    }

    [Fact]
    public void A_huge_learning_rate_on_a_real_model_diverges_into_the_exception_not_a_nan_model()
    {
        var model = new TinyModel();
        var error = Assert.Throws<TrainingDivergedException>(() =>
            model.Fit(TestData.Sentiment(200), epochs: 3, batchSize: 16, new Sgd(learningRate: 3e38f), verbose: 0));
        Assert.False(float.IsFinite(error.Loss));
    }

    [Fact]
    public void Fit_on_the_tiny_model_reduces_the_loss_and_learns()
    {
        var model = new TinyModel();
        SequenceDataset data = TestData.Sentiment(500);

        History history = model.Fit(data, epochs: 8, batchSize: 32, new Adam(learningRate: 0.05f), validationSplit: 0.2, verbose: 0);

        Assert.Equal(8, history.Count);
        Assert.True(history.Loss[^1] < history.Loss[0] - 0.2, $"loss {history.Loss[0]} -> {history.Loss[^1]}");
        Assert.True(history.ValLoss[^1] < history.ValLoss[0], $"val_loss {history.ValLoss[0]} -> {history.ValLoss[^1]}");
        Assert.True(history.ValAccuracy[^1] > 0.85, $"val_accuracy {history.ValAccuracy[^1]}");
        (double loss, double accuracy) = model.Evaluate(data.Slice(400, 100), batchSize: 7);
        Assert.Equal(history.ValLoss[^1], loss, 12);
        Assert.Equal(history.ValAccuracy[^1], accuracy, 12);
    }

    [Fact]
    public void Epoch_metrics_are_running_means_weighted_by_batch_size()
    {
        // Batches of 4, 4 and 2 samples with losses 1, 2 and 4: the weighted mean is 2, the plain mean of batches 2.33.
        var model = new StubModel { LossOfStep = step => new[] { 1f, 2f, 4f }[step % 3] };
        SequenceDataset data = Numbered([1, 1, 1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 1, 0, 0, 0, 1, 1, 0, 0]);

        History history = model.Fit(data, epochs: 1, batchSize: 4, new Sgd(), shuffle: false, verbose: 0);

        Assert.Equal(2.0, history.Loss[0]);
        Assert.Equal(0.7, history.Accuracy[0]);
        Assert.Equal([8, 8, 4], model.TrainingBatches.Select(b => b.Length));
        Assert.Equal(3, history.Params.Steps);
    }

    [Fact]
    public void Accuracy_counts_a_logit_of_zero_as_negative()
    {
        Assert.Equal(1, ClassificationHead.CountCorrect([0f], [0f]));
        Assert.Equal(0, ClassificationHead.CountCorrect([0f], [1f]));
        Assert.Equal(0, ClassificationHead.CountCorrect([1e-9f], [1f])); // σ(1e-9) rounds to 0.5 in float32: not > 0.5
        Assert.Equal(1, ClassificationHead.CountCorrect([1e-6f], [1f]));
    }

    [Fact]
    public void Validation_split_holds_out_the_last_samples_and_only_training_data_is_shuffled()
    {
        var model = new StubModel { ExposeLogits = true };

        History history = model.Fit(Numbered(10), epochs: 3, batchSize: 4, new Sgd(), validationSplit: 0.2, verbose: 0);

        // 8 training samples in 2 batches per epoch, each epoch a permutation of samples 0..7.
        Assert.Equal(6, model.TrainingBatches.Count);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            int[] seen = [.. SampleIds(model.TrainingBatches[2 * epoch]), .. SampleIds(model.TrainingBatches[(2 * epoch) + 1])];
            Assert.Equal(Enumerable.Range(0, 8), seen.Order());
        }

        // The first predict is the accuracy fallback before the model is known to expose its logits; then one
        // validation batch per epoch, always samples 8 and 9 in order.
        Assert.Equal(4, model.PredictBatches.Count);
        Assert.All(model.PredictBatches.Skip(1), batch => Assert.Equal([8, 9], SampleIds(batch)));
        Assert.Equal(3, history.ValLoss.Count);
    }

    [Fact]
    public void Shuffling_is_seeded_differs_per_epoch_and_is_off_with_shuffle_false()
    {
        static List<int[]> Orders(bool shuffle, int seed)
        {
            var model = new StubModel();
            model.Fit(Numbered(12), epochs: 3, batchSize: 12, new Sgd(), shuffle: shuffle, seed: seed, verbose: 0);
            return model.TrainingBatches.Select(SampleIds).ToList();
        }

        List<int[]> first = Orders(shuffle: true, seed: 5);
        Assert.Equal(first, Orders(shuffle: true, seed: 5));
        Assert.NotEqual(first, Orders(shuffle: true, seed: 6));
        Assert.NotEqual(first[0], first[1]);
        Assert.All(first, order => Assert.NotEqual(Enumerable.Range(0, 12), order));
        Assert.All(Orders(shuffle: false, seed: 5), order => Assert.Equal(Enumerable.Range(0, 12), order));
    }

    [Fact]
    public void Accuracy_comes_from_the_training_forward_pass_when_the_model_exposes_it()
    {
        SequenceDataset data = TestData.Sentiment(100);
        var exposing = new TinyModel(exposeLogits: true);
        var hiding = new TinyModel(exposeLogits: false);

        History a = exposing.Fit(data, epochs: 2, batchSize: 10, new Adam(0.05f), verbose: 0);
        History b = hiding.Fit(data, epochs: 2, batchSize: 10, new Adam(0.05f), verbose: 0);

        Assert.Equal(a.Accuracy, b.Accuracy);
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(1, exposing.PredictCalls);
        Assert.Equal(20, hiding.PredictCalls);
    }

    [Fact]
    public void Batches_allocate_nothing()
    {
        var model = new StubModel { ExposeLogits = true, Record = false };
        SequenceDataset data = Numbered(1000);
        List<Callback> callbacks = [new BatchCounter()]; // callbacks held as a list: enumerating it must not allocate
        long Allocated(int batchSize)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            model.Fit(data, epochs: 1, batchSize: batchSize, new Sgd(), verbose: 0, callbacks: callbacks);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Allocated(1);
        Allocated(100);

        // 1000 batches of 1 against 10 batches of 100: the larger batch buffers (1.6 kB) are the only difference
        // unless something allocates per batch.
        long small = Allocated(1);
        long large = Allocated(100);
        Assert.True(small < large, $"1000 batches allocated {small} bytes, 10 batches {large} bytes");
    }

    private sealed class BatchCounter : Callback
    {
        public int Batches { get; private set; }

        public override void OnBatchEnd(TrainingContext context, int step, EpochLogs logs) => Batches++;
    }

    [Fact]
    public void Evaluate_gives_the_mean_loss_and_accuracy()
    {
        var model = new StubModel();
        SequenceDataset data = Numbered([1, 0, 0], [1, 1, 0]);

        (double loss, double accuracy) = model.Evaluate(data, batchSize: 2);

        double expected = (Math.Log(1 + Math.Exp(-1)) + (1 + Math.Log(1 + Math.Exp(-1))) + Math.Log(1 + Math.Exp(-1))) / 3;
        Assert.Equal(expected, loss, 12);
        Assert.Equal(2.0 / 3, accuracy, 12);
    }

    [Fact]
    public void Redirected_progress_is_one_header_and_one_plain_line_per_epoch()
    {
        var output = new StringWriter();

        new TinyModel().Fit(TestData.Sentiment(80), epochs: 2, batchSize: 10, new Adam(), validationSplit: 0.25, output: output,
            timeProvider: new SteppingTime(0.001));

        string text = output.ToString();
        Assert.DoesNotContain('\r', text);
        string[] lines = text.Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.Equal("Epoch 2/2", lines[2]);
        Assert.Equal("", lines[4]);
        var line = new Regex(@"^6/6 \[={30}\] - \d+s \d+(s|ms|us)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$");
        Assert.Matches(line, lines[1]);
        Assert.Matches(line, lines[3]);
    }

    [Fact]
    public void Verbose_0_is_silent_verbose_2_prints_epoch_lines_and_one_epoch_has_no_header()
    {
        var silent = new StringWriter();
        new TinyModel().Fit(TestData.Sentiment(20), epochs: 2, batchSize: 10, new Adam(), output: silent, verbose: 0);
        Assert.Equal("", silent.ToString());

        var lines = new StringWriter();
        new TinyModel().Fit(TestData.Sentiment(20), epochs: 2, batchSize: 10, new Adam(), output: lines, verbose: 2, timeProvider: new SteppingTime(0.001));
        Assert.Matches(@"^Epoch 1/2\n2/2 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - \d+(s|ms|us)/epoch - \d+(s|ms|us)/step\nEpoch 2/2\n", lines.ToString());

        var single = new StringWriter();
        new TinyModel().Fit(TestData.Sentiment(20), epochs: 1, batchSize: 10, new Adam(), output: single, timeProvider: new SteppingTime(0.001));
        Assert.StartsWith("2/2 [", single.ToString());
    }

    [Fact]
    public void Sequences_of_the_wrong_length_are_rejected()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new TinyModel(seqLen: 6).Fit(TestData.Sentiment(10, seqLen: 5), 1, 4, new Adam()));
        Assert.Contains("length 5", error.Message);
    }

    [Fact]
    public void Resuming_from_an_epoch_checkpoint_gives_bit_identical_weights()
    {
        SequenceDataset data = TestData.Sentiment(200);
        string path = Path.Combine(_directory, "epoch-{epoch}.safetensors");

        var straight = new TinyModel();
        var straightOptimizer = new Adam(0.02f);
        History expected = straight.Fit(data, epochs: 4, batchSize: 16, straightOptimizer, validationSplit: 0.2, seed: 3, verbose: 0);

        var first = new TinyModel();
        first.Fit(data, epochs: 2, batchSize: 16, new Adam(0.02f), validationSplit: 0.2, seed: 3, verbose: 0,
            callbacks: [new ModelCheckpoint(path, monitor: "loss")]);

        var resumed = new TinyModel(seed: 1234); // other initial weights: the checkpoint must replace them all
        var resumedOptimizer = new Adam(0.02f);
        TrainingCheckpoint checkpoint = Checkpoint.Load(Path.Combine(_directory, "epoch-2.safetensors"), resumed, resumedOptimizer);
        Assert.Equal(2, checkpoint.Position!.Epoch);
        History history = resumed.Fit(data, epochs: 4, batchSize: 16, resumedOptimizer, validationSplit: 0.2, seed: 3, verbose: 0, resume: checkpoint);

        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(straightOptimizer.GetSlot(0).ToArray(), resumedOptimizer.GetSlot(0).ToArray());
        Assert.Equal(straightOptimizer.GetSlot(1).ToArray(), resumedOptimizer.GetSlot(1).ToArray());
        Assert.Equal(straightOptimizer.Iterations, resumedOptimizer.Iterations);
        Assert.Equal(expected.Loss, history.Loss);
        Assert.Equal(expected.ValAccuracy, history.ValAccuracy);
        Assert.Equal(expected.Epoch, history.Epoch);
    }

    [Fact]
    public void Cancellation_stops_after_the_current_batch_saves_and_resumes_bit_identically()
    {
        SequenceDataset data = TestData.Sentiment(100);
        string backup = Path.Combine(_directory, "backup.safetensors");

        var straight = new TinyModel();
        History expected = straight.Fit(data, epochs: 3, batchSize: 10, new RmsProp(0.01f), seed: 9, verbose: 0);

        // The token fires while step 17 (epoch 2, batch 7) runs, as Ctrl+C would; that batch completes, no other starts.
        using var cts = new CancellationTokenSource();
        var interrupted = new TinyModel { OnTrainStep = step => { if (step == 17) cts.Cancel(); } };
        var optimizer = new RmsProp(0.01f);
        var output = new StringWriter();
        History partial = interrupted.Fit(data, epochs: 3, batchSize: 10, optimizer, seed: 9, output: output,
            callbacks: [new BackupAndRestore(backup)], cancellationToken: cts.Token);

        Assert.Equal(17, interrupted.TrainSteps);
        Assert.Equal(17, optimizer.Iterations);
        Assert.Single(partial.Loss);
        Assert.Contains("Training interrupted after batch 7/10 of epoch 2/3.", output.ToString());
        Assert.True(File.Exists(backup));
        IReadOnlyDictionary<string, string> metadata = Checkpoint.ReadHeader(backup).Metadata;
        Assert.Equal(("1", "7", "17"), (metadata["training.epoch"], metadata["training.step"], metadata["optimizer.iterations"]));

        var resumed = new TinyModel(seed: 555);
        var restore = new BackupAndRestore(backup);
        History history = resumed.Fit(data, epochs: 3, batchSize: 10, new RmsProp(0.01f), seed: 9, verbose: 0, callbacks: [restore]);

        Assert.True(restore.Restored);
        Assert.Equal(13, resumed.TrainSteps); // 3 batches to finish epoch 2, then 10
        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(expected.Loss, history.Loss);
        Assert.Equal(expected.Accuracy, history.Accuracy);
        Assert.False(File.Exists(backup)); // a completed run removes its backup
    }

    [Fact]
    public void A_checkpoint_from_another_batch_size_cannot_resume()
    {
        SequenceDataset data = TestData.Sentiment(40);
        string path = Path.Combine(_directory, "b10.safetensors");
        new TinyModel().Fit(data, epochs: 1, batchSize: 10, new Adam(), verbose: 0, callbacks: [new ModelCheckpoint(path, monitor: "loss")]);
        var model = new TinyModel();
        var optimizer = new Adam();
        TrainingCheckpoint checkpoint = Checkpoint.Load(path, model, optimizer);

        CheckpointException error = Assert.Throws<CheckpointException>(() => model.Fit(data, epochs: 2, batchSize: 8, optimizer, verbose: 0, resume: checkpoint));

        Assert.Equal(path, error.Path);

        Assert.Contains("batch size 10", error.Message);
        Assert.Contains("batch size 8", error.Message);
    }

    [Fact]
    public void A_checkpoint_with_an_invalid_callback_state_is_a_checkpoint_error_naming_the_file_and_the_callback()
    {
        SequenceDataset data = TestData.Sentiment(40);
        string path = Path.Combine(_directory, "edited.safetensors");
        var saved = new TinyModel();
        var state = new CallbackState(
            new Dictionary<string, string> { ["best"] = "not a number", ["best_epoch"] = "0", ["wait"] = "0", ["stopped_epoch"] = "0" },
            new Dictionary<string, float[]>());
        var position = new TrainingPosition(1, 0, 10, 40, true, 0, new RnnRandom(0).State, 0, 0, 0, new History())
        {
            Callbacks = new Dictionary<string, CallbackState> { [nameof(EarlyStopping)] = state },
        };
        var optimizer = new Adam();
        Checkpoint.Save(path, saved, optimizer, position);
        var model = new TinyModel();
        TrainingCheckpoint checkpoint = Checkpoint.Load(path, model, optimizer);

        // Was a FormatException from deep inside Fit, which names neither the file nor the callback.
        CheckpointException error = Assert.Throws<CheckpointException>(
            () => model.Fit(data, epochs: 2, batchSize: 10, optimizer, verbose: 0, resume: checkpoint, callbacks: [new EarlyStopping(patience: 1)]));

        Assert.Equal(path, error.Path);
        Assert.Contains("EarlyStopping", error.Message, StringComparison.Ordinal);
        Assert.Contains("'not a number'", error.Message, StringComparison.Ordinal);
    }
}
