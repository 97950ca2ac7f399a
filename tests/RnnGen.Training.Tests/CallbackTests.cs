using RnnGen.Callbacks;
using RnnGen.Checkpoints;
using RnnGen.Data;
using RnnGen.Initialization;
using RnnGen.Optimizers;

namespace RnnGen.Training.Tests;

public sealed class CallbackTests : IDisposable
{
    private readonly string _directory = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static TrainingContext Context(IRnnModel model, Func<int>? epoch = null) =>
        new(model, new Sgd(), new History(), epochs: 10, stepsPerEpoch: 1,
            () => new TrainingPosition(epoch?.Invoke() ?? 0, 0, 1, 1, true, 0, new RnnRandom(0).State, 0, 0, 0, new History()));

    /// <summary>Feeds val_loss values to a callback as consecutive epochs; returns the epoch after which training stopped, or -1.</summary>
    private static int Run(Callback callback, TrainingContext context, params double[] valLosses)
    {
        callback.OnTrainBegin(context);
        for (int epoch = 0; epoch < valLosses.Length; epoch++)
        {
            context.Model.Parameters.Fill(epoch); // the "weights" of each epoch are its number
            callback.OnEpochEnd(context, epoch, new EpochLogs(1, 0.5, valLosses[epoch], 0.5));
            if (context.StopTraining)
            {
                callback.OnTrainEnd(context);
                return epoch;
            }
        }

        callback.OnTrainEnd(context);
        return -1;
    }

    [Fact]
    public void Early_stopping_waits_patience_epochs_without_improvement()
    {
        var stopping = new EarlyStopping(patience: 2);

        int stopped = Run(stopping, Context(new StubModel()), 1.0, 0.9, 0.95, 0.92, 0.91, 0.5);

        Assert.Equal(3, stopped); // epochs 2 and 3 do not beat 0.9
        Assert.Equal((0.9, 1, 3), (stopping.Best, stopping.BestEpoch, stopping.StoppedEpoch));
    }

    [Fact]
    public void Early_stopping_min_delta_makes_small_gains_count_as_waits()
    {
        int withDelta = Run(new EarlyStopping(patience: 1, minDelta: 0.05), Context(new StubModel()), 1.0, 0.97, 0.93, 0.90);
        int withoutDelta = Run(new EarlyStopping(patience: 1), Context(new StubModel()), 1.0, 0.97, 0.93, 0.90);

        Assert.Equal(1, withDelta);
        Assert.Equal(-1, withoutDelta);
    }

    [Fact]
    public void Early_stopping_with_patience_0_never_stops_on_the_first_epoch()
    {
        Assert.Equal(1, Run(new EarlyStopping(patience: 0), Context(new StubModel()), 1.0, 1.5));
    }

    [Fact]
    public void Early_stopping_restores_the_best_weights_at_the_end()
    {
        var model = new StubModel();

        Run(new EarlyStopping(patience: 2, restoreBestWeights: true), Context(model), 1.0, 0.5, 0.7, 0.8, 0.3);

        Assert.Equal(1f, model.Parameters[0]); // epoch 1 had the best val_loss; training stopped at epoch 3
    }

    [Fact]
    public void Early_stopping_on_accuracy_looks_for_a_rise()
    {
        var stopping = new EarlyStopping(monitor: "val_accuracy", patience: 1);
        TrainingContext context = Context(new StubModel());
        stopping.OnTrainBegin(context);
        stopping.OnEpochEnd(context, 0, new EpochLogs(1, 0.5, 1, 0.6));
        stopping.OnEpochEnd(context, 1, new EpochLogs(1, 0.5, 1, 0.7));
        Assert.False(context.StopTraining);
        stopping.OnEpochEnd(context, 2, new EpochLogs(1, 0.5, 1, 0.65));
        Assert.True(context.StopTraining);
    }

    [Fact]
    public void Monitoring_a_validation_metric_without_validation_data_is_an_error()
    {
        var model = new TinyModel();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() =>
            model.Fit(TestData.Sentiment(20), epochs: 2, batchSize: 10, new Adam(), verbose: 0, callbacks: [new EarlyStopping()]));

        Assert.Contains("'val_loss'", error.Message);
        Assert.Contains("available: loss, accuracy", error.Message);
    }

    [Fact]
    public void Early_stopping_ends_fit()
    {
        // The stub's loss rises every epoch, so with patience 1 the run stops after epoch 1.
        var model = new StubModel { LossOfStep = step => step };
        History history = model.Fit(new SequenceDataset(new int[8], new float[4], 2), epochs: 10, batchSize: 4, new Sgd(), verbose: 0,
            callbacks: [new EarlyStopping(monitor: "loss", patience: 1)]);

        Assert.Equal(2, history.Count);
    }

    [Fact]
    public void Reduce_lr_on_plateau_lowers_the_rate_after_patience_epochs_without_improvement()
    {
        var schedule = new ReduceLROnPlateau(factor: 0.5, patience: 2);
        TrainingContext context = Context(new StubModel());
        float start = context.Optimizer.LearningRate;

        Run(schedule, context, 1.0, 0.9, 0.95, 0.92, 0.93, 0.94, 0.8);

        // Epochs 2 and 3 wait (reduce at 3, wait resets), 4 and 5 wait (reduce at 5), 6 improves.
        Assert.Equal([3, 5], schedule.Reductions);
        Assert.Equal((float)((float)(start * 0.5) * 0.5), context.Optimizer.LearningRate);
        Assert.Equal((0.8, 0), (schedule.Best, schedule.Wait));
    }

    [Fact]
    public void Reduce_lr_on_plateau_counts_no_waits_in_cooldown()
    {
        var schedule = new ReduceLROnPlateau(factor: 0.5, patience: 1, cooldown: 2);

        Run(schedule, Context(new StubModel()), 1.0, 1.1, 1.2, 1.3, 1.4);

        // Keras: epoch 1 reduces and starts a cooldown of 2; epoch 2 spends one; epoch 3 spends the last, then (no longer
        // in cooldown) counts a wait and reduces; epoch 4 is in cooldown again.
        Assert.Equal([1, 3], schedule.Reductions);
    }

    [Fact]
    public void Reduce_lr_on_plateau_stops_at_the_minimum_rate()
    {
        var schedule = new ReduceLROnPlateau(factor: 0.1, patience: 1, minLearningRate: 0.004);
        TrainingContext context = Context(new StubModel());

        Run(schedule, context, 1.0, 1.1, 1.2, 1.3);

        Assert.Equal([1], schedule.Reductions); // 0.01 → max(0.001, 0.004); at the bound, no more reductions
        Assert.Equal(0.004f, context.Optimizer.LearningRate);
    }

    [Fact]
    public void Reduce_lr_on_plateau_on_accuracy_looks_for_a_rise()
    {
        var schedule = new ReduceLROnPlateau(monitor: "val_accuracy", patience: 1);
        TrainingContext context = Context(new StubModel());
        schedule.OnTrainBegin(context);
        schedule.OnEpochEnd(context, 0, new EpochLogs(1, 0.5, 1, 0.6));
        schedule.OnEpochEnd(context, 1, new EpochLogs(1, 0.5, 1, 0.7));
        Assert.Empty(schedule.Reductions);
        schedule.OnEpochEnd(context, 2, new EpochLogs(1, 0.5, 1, 0.65));
        Assert.Equal([2], schedule.Reductions);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void Reduce_lr_on_plateau_rejects_a_factor_outside_0_to_1(double factor)
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: factor));
        Assert.Equal("factor", error.ParamName);
    }

    [Fact]
    public void Reduce_lr_on_plateau_restores_its_saved_state_and_names_a_damaged_value()
    {
        var schedule = new ReduceLROnPlateau(factor: 0.5, patience: 2, cooldown: 3);
        Run(schedule, Context(new StubModel()), 1.0, 1.1, 1.2, 1.3);
        var copy = new ReduceLROnPlateau(factor: 0.5, patience: 2, cooldown: 3);

        copy.RestoreState(schedule.SaveState()!);

        Assert.Equal((schedule.Best, schedule.Wait, schedule.CooldownLeft), (copy.Best, copy.Wait, copy.CooldownLeft));
        Assert.Equal(schedule.Reductions, copy.Reductions);
        var damaged = new CallbackState(new Dictionary<string, string>(schedule.SaveState()!.Values) { ["cooldown_counter"] = "-1" }, new Dictionary<string, float[]>());
        FormatException error = Assert.Throws<FormatException>(() => copy.RestoreState(damaged));
        Assert.Contains("ReduceLROnPlateau's saved 'cooldown_counter' is '-1'", error.Message);
    }

    [Fact]
    public void Model_checkpoint_save_best_only_writes_only_improvements()
    {
        string path = Path.Combine(_directory, "best.safetensors");
        int epoch = 0;
        var checkpoint = new ModelCheckpoint(path, saveBestOnly: true);
        TrainingContext context = Context(new TinyModel(), () => epoch);
        var savedEpochs = new List<string>();
        double[] valLosses = [0.5, 0.6, 0.4, 0.45];
        for (epoch = 0; epoch < valLosses.Length; epoch++)
        {
            checkpoint.OnEpochEnd(context, epoch, new EpochLogs(1, 0.5, valLosses[epoch], 0.5));
            savedEpochs.Add(Checkpoint.ReadHeader(path).Metadata["training.epoch"]);
        }

        Assert.Equal(["0", "0", "2", "2"], savedEpochs);
        Assert.Equal(0.4, checkpoint.Best);
    }

    [Fact]
    public void Model_checkpoint_fills_the_path_fields()
    {
        var logs = new EpochLogs(0.31234, 0.9, 0.40499, 0.875);

        Assert.Equal("ckpt-03-0.40.safetensors", ModelCheckpoint.FormatPath("ckpt-{epoch:02d}-{val_loss:.2f}.safetensors", 2, logs));
        Assert.Equal("e3-acc0.875", ModelCheckpoint.FormatPath("e{epoch}-acc{val_accuracy}", 2, logs));
        Assert.Throws<FormatException>(() => ModelCheckpoint.FormatPath("e{step}", 2, logs));
    }

    [Fact]
    public void Model_checkpoint_saves_every_epoch_during_fit()
    {
        string pattern = Path.Combine(_directory, "e{epoch}.safetensors");

        new TinyModel().Fit(TestData.Sentiment(20), epochs: 3, batchSize: 10, new Adam(), verbose: 0, callbacks: [new ModelCheckpoint(pattern, monitor: "loss")]);

        Assert.Equal(["e1.safetensors", "e2.safetensors", "e3.safetensors"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Callbacks_see_the_events_in_keras_order()
    {
        var events = new List<string>();
        var recorder = new Recorder(events);

        new TinyModel().Fit(TestData.Sentiment(20), epochs: 2, batchSize: 10, new Adam(), verbose: 0, callbacks: [recorder]);

        Assert.Equal(["train_begin", "epoch_begin 0", "batch_end 0", "batch_end 1", "epoch_end 0 (1 in history)",
            "epoch_begin 1", "batch_end 0", "batch_end 1", "epoch_end 1 (2 in history)", "train_end"], events);
    }

    private sealed class Recorder(List<string> events) : Callback
    {
        public override void OnTrainBegin(TrainingContext context) => events.Add("train_begin");

        public override void OnEpochBegin(TrainingContext context, int epoch) => events.Add($"epoch_begin {epoch}");

        public override void OnBatchEnd(TrainingContext context, int step, EpochLogs logs) => events.Add($"batch_end {step}");

        public override void OnEpochEnd(TrainingContext context, int epoch, EpochLogs logs) => events.Add($"epoch_end {epoch} ({context.History.Count} in history)");

        public override void OnInterrupted(TrainingContext context) => events.Add("interrupted");

        public override void OnTrainEnd(TrainingContext context) => events.Add("train_end");
    }
}

/// <summary>
/// Resume is "as if training had never stopped": a run interrupted anywhere (mid-epoch, right after an epoch end,
/// before and after EarlyStopping's best epoch) and resumed from its backup ends with the weights, history and
/// EarlyStopping state of the uninterrupted run, bit for bit. Before, the backup lacked EarlyStopping's best value, wait
/// count and best weights, so a resumed run kept another epoch's weights.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string _directory = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class CancelAtStep(int step, CancellationTokenSource source) : Callback
    {
        private int _steps;

        public override void OnBatchEnd(TrainingContext context, int index, EpochLogs logs)
        {
            if (++_steps == step)
            {
                source.Cancel();
            }
        }
    }

    private (float[] Weights, string History, EarlyStopping Stopping) Run(string backup, int? interruptAt) =>
        Run(backup, interruptAt, static () => new EarlyStopping(patience: 2, restoreBestWeights: true));

    /// <summary>
    /// Trains the tiny model for up to 12 epochs with a backup and <paramref name="create"/>'s callback; with
    /// <paramref name="interruptAt"/>, cancels after that step and resumes in a second run, as a new process would.
    /// </summary>
    private static (float[] Weights, string History, T Callback) Run<T>(string backup, int? interruptAt, Func<T> create)
        where T : Callback
    {
        SequenceDataset data = TestData.Sentiment(48);
        while (true)
        {
            var model = new TinyModel();
            T stopping = create();
            using var cancel = new CancellationTokenSource();
            var callbacks = new List<Callback> { new BackupAndRestore(backup), stopping };
            if (interruptAt is int step)
            {
                callbacks.Add(new CancelAtStep(step, cancel));
            }

            History history = model.Fit(data, epochs: 12, batchSize: 8, new Adam(learningRate: 0.3f), validationSplit: 0.25,
                seed: 3, callbacks: callbacks, verbose: 0, cancellationToken: cancel.Token);
            if (!cancel.IsCancellationRequested)
            {
                return (model.Parameters.ToArray(), history.ToJson(), stopping);
            }

            interruptAt = null; // the second process: resumes from the backup and runs to the end
        }
    }

    [Fact]
    public void An_interrupted_and_resumed_run_ends_with_the_weights_of_the_uninterrupted_one()
    {
        (float[] expected, string expectedHistory, EarlyStopping reference) = Run(Path.Combine(_directory, "reference.safetensors"), null);
        Assert.True(reference.BestEpoch > 0 && reference.StoppedEpoch > reference.BestEpoch, $"the reference run should improve, then stop early (best epoch {reference.BestEpoch}, stopped {reference.StoppedEpoch})");

        // 36 training samples in batches of 8: 5 steps per epoch; points in the first epoch, at and after epoch ends,
        // before and after the best epoch, and in the epoch that stops the run.
        const int Steps = 5;
        int best = reference.BestEpoch;
        foreach (int step in new[] { 2, Steps, Steps + 1, Steps * best, (Steps * best) + 3, (Steps * (best + 1)) + 1, (Steps * reference.StoppedEpoch) + 2 })
        {
            string backup = Path.Combine(_directory, $"backup-{step}.safetensors");
            (float[] weights, string history, EarlyStopping stopping) = Run(backup, step);
            Assert.True(expected.AsSpan().SequenceEqual(weights), $"interrupted after step {step}: the final weights differ");
            Assert.Equal(expectedHistory, history);
            Assert.Equal((reference.Best, reference.BestEpoch, reference.StoppedEpoch, reference.Wait), (stopping.Best, stopping.BestEpoch, stopping.StoppedEpoch, stopping.Wait));
        }
    }

    /// <summary>
    /// A run whose learning rate ReduceLROnPlateau lowered resumes at the lowered rate with the callback's wait and
    /// cooldown, so it ends with the weights of the uninterrupted run. Before, loading the backup into the run's optimizer
    /// kept the rate it was built with.
    /// </summary>
    [Fact]
    public void A_resumed_run_keeps_the_learning_rate_reduce_lr_on_plateau_lowered()
    {
        static ReduceLROnPlateau Schedule() => new(monitor: "val_loss", factor: 0.5, patience: 1, cooldown: 1);
        (float[] expected, string expectedHistory, ReduceLROnPlateau reference) = Run(Path.Combine(_directory, "reference.safetensors"), null, Schedule);
        Assert.True(reference.Reductions.Count >= 2, $"the reference run should lower the rate at least twice (at epochs {string.Join(", ", reference.Reductions)})");

        const int Steps = 5;
        int first = reference.Reductions[0];
        foreach (int step in new[] { 3, (Steps * (first + 1)) + 2, (Steps * (reference.Reductions[1] + 1)) + 1 })
        {
            (float[] weights, string history, ReduceLROnPlateau resumed) = Run(Path.Combine(_directory, $"backup-{step}.safetensors"), step, Schedule);
            Assert.True(expected.AsSpan().SequenceEqual(weights), $"interrupted after step {step}: the final weights differ");
            Assert.Equal(expectedHistory, history);
            Assert.Equal(reference.Reductions, resumed.Reductions);
            Assert.Equal((reference.Best, reference.Wait, reference.CooldownLeft), (resumed.Best, resumed.Wait, resumed.CooldownLeft));
        }
    }
}
