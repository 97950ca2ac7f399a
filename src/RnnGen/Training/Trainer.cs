using RnnGen.Callbacks;
using RnnGen.Checkpoints;
using RnnGen.Data;
using RnnGen.Execution;
using RnnGen.Initialization;
using RnnGen.Optimizers;
using RnnGen.Progress;

namespace RnnGen.Training;

/// <summary>
/// Keras' <c>model.fit</c> and <c>model.evaluate</c> for any <see cref="IRnnModel"/>. The semantics follow Keras
/// (docs/keras-conventions.md, IMDB data and Loss and metrics): <c>validation_split</c> takes the last fraction of the samples before any shuffling;
/// only the training part is shuffled, every epoch, here by a seeded <see cref="RnnRandom"/>; the last batch may be
/// partial; the epoch's loss and accuracy are running means weighted by batch size while the weights change; the
/// validation metrics are computed after the epoch with its final weights.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="epochs"/> epochs (counted from the start of the run, so a
    /// resumed run continues up to the same total) and returns the history.
    /// </summary>
    /// <param name="model">The model to train.</param>
    /// <param name="train">The training samples; their sequence length must be the model's.</param>
    /// <param name="epochs">The total number of epochs.</param>
    /// <param name="batchSize">The number of samples per step (Keras default: 32).</param>
    /// <param name="optimizer">The optimizer; one per model.</param>
    /// <param name="validation">Validation samples (Keras <c>validation_data</c>); takes precedence over <paramref name="validationSplit"/>.</param>
    /// <param name="validationSplit">The fraction of <paramref name="train"/>, from its end, held out for validation.</param>
    /// <param name="shuffle">Whether the training samples are shuffled before every epoch.</param>
    /// <param name="seed">The seed of the shuffle generator.</param>
    /// <param name="callbacks">Callbacks, called in order.</param>
    /// <param name="output">Where progress goes; <see langword="null"/> means the console, redrawn in place unless it is redirected.</param>
    /// <param name="verbose">0: silent; 1: progress bar (one plain line per epoch when redirected); 2: one line per epoch.</param>
    /// <param name="resume">A checkpoint loaded into this model and optimizer by <see cref="Checkpoint.Load"/>, to continue from its position.</param>
    /// <param name="timeProvider">The clock of the progress display (tests inject one); the system clock by default.</param>
    /// <param name="cancellationToken">
    /// Stops training after the current batch: callbacks get <see cref="Callback.OnInterrupted"/> (where
    /// <see cref="BackupAndRestore"/> saves a checkpoint of that exact position) and the history so far is returned.
    /// A console app connects Ctrl+C to it:
    /// <code>Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };</code>
    /// </param>
    /// <param name="bucketByLength">
    /// Opt-in: after each epoch's shuffle, samples are grouped by length (their non-padding tokens) into batches of
    /// similar length, and the batches are shuffled (<see cref="LengthBuckets"/>), all from the seeded generator, so a
    /// seed gives the same order. With <c>MaskZero</c> a batch of short texts then skips its all-padding steps.
    /// </param>
    public static History Fit(
        this IRnnModel model,
        SequenceDataset train,
        int epochs,
        int batchSize,
        Optimizer optimizer,
        SequenceDataset? validation = null,
        double validationSplit = 0,
        bool shuffle = true,
        int seed = 0,
        IReadOnlyList<Callback>? callbacks = null,
        TextWriter? output = null,
        int verbose = 1,
        TrainingCheckpoint? resume = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default,
        bool bucketByLength = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (verbose is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose is 0 (silent), 1 (progress bar) or 2 (one line per epoch).");
        }

        if (validation is null && validationSplit != 0)
        {
            (train, validation) = train.SplitValidation(validationSplit);
        }

        CheckShape(model, train, nameof(train));
        if (validation is not null)
        {
            CheckShape(model, validation, nameof(validation));
            if (validation.Count == 0)
            {
                throw new ArgumentException("The validation data has no samples; pass more data or a larger validation split.", nameof(validation));
            }
        }

        if (train.Count == 0)
        {
            throw new ArgumentException("There are no training samples.", nameof(train));
        }

        bool interactive = verbose == 1 && !Console.IsOutputRedirected && (output is null || ReferenceEquals(output, Console.Out));
        var run = new FitRun(model, train, validation, epochs, batchSize, optimizer, shuffle, bucketByLength, seed, callbacks ?? [],
            verbose == 0 ? null : output ?? Console.Out, verbose, interactive, timeProvider ?? TimeProvider.System);
        return run.Run(resume, cancellationToken);
    }

    /// <summary>
    /// The mean binary cross-entropy and the accuracy of <paramref name="model"/> on <paramref name="data"/>
    /// (Keras <c>model.evaluate</c>), in batches of <paramref name="batchSize"/>; the weights do not change.
    /// </summary>
    public static (double Loss, double Accuracy) Evaluate(this IRnnModel model, SequenceDataset data, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        CheckShape(model, data, nameof(data));
        if (data.Count == 0)
        {
            throw new ArgumentException("There are no samples to evaluate.", nameof(data));
        }

        return new BatchBuffers(batchSize, data.SeqLen, model.Description.Classes).Evaluate(model, data);
    }

    private static void CheckShape(IRnnModel model, SequenceDataset data, string name)
    {
        ArgumentNullException.ThrowIfNull(data, name);
        int seqLen = model.Description.SeqLen;
        if (data.SeqLen != seqLen)
        {
            throw new ArgumentException($"The {name} sequences have length {data.SeqLen}, but the model {model.Description.SpecText} takes {seqLen}; pad or truncate them to {seqLen}.", name);
        }
    }

    /// <summary>One Fit call: its buffers, generator, position and progress display.</summary>
    private sealed class FitRun
    {
        private readonly IRnnModel _model;
        private readonly SequenceDataset _train;
        private readonly SequenceDataset? _validation;
        private readonly int _epochs;
        private readonly int _batchSize;
        private readonly int _steps;
        private readonly Optimizer _optimizer;
        private readonly bool _shuffle;
        private readonly bool _bucketByLength;
        private readonly int _seed;
        private readonly Callback[] _callbacks; // an array: foreach over it allocates no enumerator per batch
        private readonly TextWriter? _output;
        private readonly int _verbose;
        private readonly bool _interactive;
        private readonly TimeProvider _time;
        private readonly BatchBuffers _buffers;
        private readonly int[] _order;
        private readonly RnnRandom _random;
        private readonly TrainingContext _context;

        // The position: epoch in progress, batches done, and the generator state from before this epoch's shuffle.
        private int _epoch;
        private int _step;
        private RnnRandomState _epochStartState;
        private double _lossSum;
        private long _correct;
        private long _seen;
        private History _history;

        // The non-finite loss that stopped a diverged run.
        private float _divergedLoss;

        // Whether the model exposes the logits of its training forward pass (IRnnModel.Logits); null until the first step.
        private bool? _modelKeepsLogits;

        public FitRun(
            IRnnModel model, SequenceDataset train, SequenceDataset? validation, int epochs, int batchSize, Optimizer optimizer,
            bool shuffle, bool bucketByLength, int seed, IReadOnlyList<Callback> callbacks, TextWriter? output, int verbose, bool interactive, TimeProvider time)
        {
            _bucketByLength = bucketByLength;
            _model = model;
            _train = train;
            _validation = validation;
            _epochs = epochs;
            _batchSize = batchSize;
            _steps = (train.Count + batchSize - 1) / batchSize;
            _optimizer = optimizer;
            _shuffle = shuffle;
            _seed = seed;
            _callbacks = [.. callbacks];
            _output = output;
            _verbose = verbose;
            _interactive = interactive;
            _time = time;
            _buffers = new BatchBuffers(batchSize, train.SeqLen, model.Description.Classes);
            _order = new int[train.Count];
            _random = new RnnRandom(seed);
            _epochStartState = _random.State;
            _history = new History { Params = new HistoryParams(verbose, epochs, _steps) };
            _context = new TrainingContext(model, optimizer, _history, epochs, _steps, () => Position);
        }

        private TrainingPosition Position =>
            new(_epoch, _step, _batchSize, _train.Count, _shuffle, _seed, _epochStartState, _lossSum, _correct, _seen, _history.Clone(), CallbackStates())
            {
                BucketByLength = _bucketByLength,
            };

        private Dictionary<string, CallbackState>? CallbackStates()
        {
            Dictionary<string, CallbackState>? states = null;
            foreach (Callback callback in _callbacks)
            {
                if (callback.SaveState() is { } state)
                {
                    if (callback.StateName.Length == 0 || callback.StateName.IndexOfAny(['.', '/', ',']) >= 0)
                    {
                        throw new InvalidOperationException($"A callback's StateName must be non-empty and free of '.', '/' and ',', not '{callback.StateName}'.");
                    }

                    states ??= new Dictionary<string, CallbackState>(StringComparer.Ordinal);
                    if (!states.TryAdd(callback.StateName, state))
                    {
                        throw new InvalidOperationException($"Two callbacks save their state as '{callback.StateName}'; override StateName to tell them apart.");
                    }
                }
            }

            return states;
        }

        private EpochLogs RunningLogs => new(_lossSum / _seen, (double)_correct / _seen);

        public History Run(TrainingCheckpoint? resume, CancellationToken cancellationToken)
        {
            foreach (Callback callback in _callbacks)
            {
                callback.OnTrainBegin(_context);
            }

            TrainingCheckpoint? start = resume ?? _context.PendingResume;
            if (start is not null)
            {
                Restore(start);
            }

            _context.Started = true;
            bool interrupted = false;
            while (_epoch < _epochs && !_context.StopTraining && !_context.Diverged)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    interrupted = true;
                    break;
                }

                interrupted = RunEpoch(cancellationToken);
                if (interrupted)
                {
                    break;
                }
            }

            if (interrupted)
            {
                _context.Interrupted = true;
                _output?.WriteLine(_step == 0
                    ? $"Training interrupted before epoch {_epoch + 1}/{_epochs}."
                    : $"Training interrupted after batch {_step}/{_steps} of epoch {_epoch + 1}/{_epochs}.");
                foreach (Callback callback in _callbacks)
                {
                    callback.OnInterrupted(_context);
                }
            }

            if (_context.Diverged)
            {
                _output?.WriteLine($"Training stopped: the loss of batch {_step}/{_steps} of epoch {_epoch + 1}/{_epochs} is {_divergedLoss}.");
            }

            foreach (Callback callback in _callbacks)
            {
                callback.OnTrainEnd(_context);
            }

            if (_context.Diverged)
            {
                throw new TrainingDivergedException(_epoch, _step, _divergedLoss, _history);
            }

            return _history;
        }

        /// <summary>Trains the rest of the current epoch and validates it; returns whether the run was interrupted.</summary>
        private bool RunEpoch(CancellationToken cancellationToken)
        {
            // The same generator state gives the same permutation, so a run resumed mid-epoch redraws it and skips ahead.
            _random.RestoreState(_epochStartState);
            for (int i = 0; i < _order.Length; i++)
            {
                _order[i] = i;
            }

            if (_shuffle)
            {
                _random.Shuffle(_order.AsSpan());
            }

            if (_bucketByLength)
            {
                LengthBuckets.Arrange(_order, _train, _batchSize, _random);
            }

            if (_verbose > 0 && _epochs > 1)
            {
                _output!.WriteLine(ProgressFormat.EpochHeader(_epoch, _epochs));
            }

            ProgressBar? bar = _verbose == 1 ? new ProgressBar(_output!, _steps, _interactive, _time) : null;
            long epochStart = _time.GetTimestamp();
            foreach (Callback callback in _callbacks)
            {
                callback.OnEpochBegin(_context, _epoch);
            }

            while (_step < _steps)
            {
                float loss = TrainBatch();
                _step++;
                if (!float.IsFinite(loss))
                {
                    // Keras' TerminateOnNaN, always on: a non-finite loss only gets worse, and every later step and epoch
                    // end would spread it into the weights, the backup and the history.
                    bar?.Abort(_step, RunningLogs);
                    _divergedLoss = loss;
                    _context.Diverged = true;
                    return false;
                }

                EpochLogs running = RunningLogs;
                bar?.Update(_step, running);
                foreach (Callback callback in _callbacks)
                {
                    callback.OnBatchEnd(_context, _step - 1, running);
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    bar?.Abort(_step, running);
                    return true;
                }
            }

            (double Loss, double Accuracy)? validation = _validation is null ? null : _buffers.Evaluate(_model, _validation);
            var logs = new EpochLogs(_lossSum / _seen, (double)_correct / _seen, validation?.Loss, validation?.Accuracy);
            int epoch = _epoch;
            _history.Append(epoch, logs);
            bar?.Finish(logs);
            if (_verbose == 2)
            {
                _output!.WriteLine(ProgressFormat.EpochLine(_steps, _time.GetElapsedTime(epochStart).TotalSeconds, logs));
            }

            // The position a checkpoint taken by OnEpochEnd resumes from: the start of the next epoch.
            _epoch++;
            _step = 0;
            _lossSum = 0;
            _correct = 0;
            _seen = 0;
            _epochStartState = _random.State;
            foreach (Callback callback in _callbacks)
            {
                callback.OnEpochEnd(_context, epoch, logs);
            }

            // Checkpoints asked for at the epoch's end are taken once every callback has seen it, so they hold its state.
            _context.SavePendingCheckpoints();
            return false;
        }

        private float TrainBatch()
        {
            int count = _buffers.Gather(_train, _order, _step * _batchSize);
            ReadOnlySpan<int> tokens = _buffers.Tokens(count);
            ReadOnlySpan<float> labels = _buffers.Labels(count);
            Span<float> predicted = _buffers.Logits(count);

            // Without IRnnModel.Logits the accuracy needs the logits before the step changes the weights.
            if (_modelKeepsLogits != true)
            {
                _model.PredictLogits(tokens, predicted);
            }

            float loss = _model.TrainStep(tokens, labels, _optimizer);
            _modelKeepsLogits ??= _model.Logits.Length == predicted.Length;
            ReadOnlySpan<float> logits = _modelKeepsLogits == true ? _model.Logits : predicted;
            _lossSum += (double)loss * count;
            _correct += ClassificationHead.CountCorrect(logits, labels);
            _seen += count;
            return loss;
        }

        private void Restore(TrainingCheckpoint checkpoint)
        {
            if (checkpoint.Optimizer is not null && !ReferenceEquals(checkpoint.Optimizer, _optimizer))
            {
                throw new ArgumentException(
                    $"Checkpoint '{checkpoint.Path}' was loaded into another optimizer; load it into the one given to Fit (Checkpoint.Load(path, model, optimizer)).",
                    nameof(checkpoint));
            }

            // The file does not fit this run: a CheckpointException naming it, like any other checkpoint that cannot be used.
            TrainingPosition position = checkpoint.Position
                ?? throw new CheckpointException(checkpoint.Path, $"Checkpoint '{checkpoint.Path}' has no training position to resume from.");
            if (position.BatchSize != _batchSize || position.Samples != _train.Count || position.Shuffle != _shuffle || position.BucketByLength != _bucketByLength)
            {
                throw new CheckpointException(
                    checkpoint.Path,
                    $"Checkpoint '{checkpoint.Path}' was saved by a run with batch size {position.BatchSize}, {position.Samples} training samples and shuffle={position.Shuffle}; "
                    + $"this run has batch size {_batchSize}, {_train.Count} samples and shuffle={_shuffle}"
                    + (position.BucketByLength != _bucketByLength ? $"; bucket_by_length was {position.BucketByLength}, now {_bucketByLength}" : string.Empty)
                    + ". Resume with the same data and settings.");
            }

            if (position.Step > _steps || (position.Step > 0 && position.Seen == 0))
            {
                throw new CheckpointException(checkpoint.Path, $"Checkpoint '{checkpoint.Path}' is at batch {position.Step} of an epoch of {_steps} batches.");
            }

            _epoch = position.Epoch;
            _step = position.Step;
            _epochStartState = position.RandomState;
            _lossSum = position.LossSum;
            _correct = position.Correct;
            _seen = position.Seen;
            _history = position.History.Clone();
            _history.Params = new HistoryParams(_verbose, _epochs, _steps);
            _context.History = _history;
            foreach (Callback callback in _callbacks)
            {
                if (position.Callbacks?.GetValueOrDefault(callback.StateName) is { } state)
                {
                    try
                    {
                        callback.RestoreState(state);
                    }
                    catch (FormatException e)
                    {
                        throw new CheckpointException(checkpoint.Path, $"Checkpoint '{checkpoint.Path}': the saved state of {callback.StateName} is invalid: {e.Message}", e);
                    }
                }
            }
        }
    }
}
