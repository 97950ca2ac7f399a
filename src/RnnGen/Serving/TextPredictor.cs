using System.Collections.Concurrent;

namespace RnnGen.Serving;

/// <summary>
/// A <see cref="TextClassifier"/> for many threads at once (request handlers): each call rents a replica of the model
/// from a pool, so no two calls share batch buffers, and returns it afterwards. Replicas are made on demand, up to
/// <see cref="MaxReplicas"/>, by the factory with the classifier's weights copied in, and run on one thread each, so the
/// callers are the parallelism. A replica computes exactly what the classifier's model computes (the same code and
/// weights; results never depend on the thread count), so every call gives the bits of a single-threaded
/// <see cref="TextClassifier.Predict(string)"/>.
/// </summary>
/// <remarks>
/// The hot path takes no lock: a replica comes from a <see cref="ConcurrentBag{T}"/> behind a semaphore that only
/// blocks when all <see cref="MaxReplicas"/> are busy. Each replica holds a copy of the weights (4 bytes per parameter)
/// plus its buffers, so <see cref="MaxReplicas"/> bounds the memory.
/// </remarks>
public sealed class TextPredictor : IDisposable
{
    private readonly TextClassifier _classifier;
    private readonly Func<IRnnModel> _createModel;
    private readonly float[] _weights;
    private readonly ConcurrentBag<IRnnModel> _idle = [];
    private readonly SemaphoreSlim _available;
    private int _created;

    /// <summary>
    /// A predictor over <paramref name="classifier"/>; <paramref name="createModel"/> makes an empty instance of its model
    /// class (for example <c>() =&gt; new TicketModel()</c>), whose weights are then overwritten.
    /// </summary>
    public TextPredictor(TextClassifier classifier, Func<IRnnModel> createModel, int maxReplicas = 0)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentOutOfRangeException.ThrowIfNegative(maxReplicas);
        _classifier = classifier;
        _createModel = createModel;
        _weights = classifier.Model.Parameters.ToArray();
        MaxReplicas = maxReplicas == 0 ? Environment.ProcessorCount : maxReplicas;
        _available = new SemaphoreSlim(MaxReplicas, MaxReplicas);
    }

    /// <summary>The most replicas, and so the most calls that run at once; others wait for a free one.</summary>
    public int MaxReplicas { get; }

    /// <summary>The replicas made so far.</summary>
    public int Replicas => Volatile.Read(ref _created);

    /// <summary>The classes, by id.</summary>
    public IReadOnlyList<string> ClassNames => _classifier.ClassNames;

    /// <summary>Classifies one text; safe to call from many threads at once.</summary>
    public TextPrediction Predict(string text) => Predict([text])[0];

    /// <summary>Classifies many texts in one call; safe to call from many threads at once.</summary>
    public IReadOnlyList<TextPrediction> Predict(IReadOnlyList<string> texts, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(texts);
        _available.Wait();
        IRnnModel? replica = null;
        try
        {
            replica = Rent();
            return _classifier.Predict(texts, batchSize, replica);
        }
        finally
        {
            if (replica is not null)
            {
                _idle.Add(replica);
            }

            _available.Release(); // also when the factory failed, so a bad factory never starves the other callers
        }
    }

    /// <summary>Releases the semaphore; the replicas are plain managed objects.</summary>
    public void Dispose() => _available.Dispose();

    private IRnnModel Rent()
    {
        if (_idle.TryTake(out IRnnModel? replica))
        {
            return replica;
        }

        // The semaphore admits at most MaxReplicas callers, so at most that many replicas are ever made.
        replica = _createModel();
        if (ReferenceEquals(replica, _classifier.Model))
        {
            throw new InvalidOperationException("The model factory returned the classifier's own model; each replica must be a new instance (e.g. () => new MyModel()).");
        }

        if (replica.Description.SpecText != _classifier.Model.Description.SpecText)
        {
            throw new InvalidOperationException(
                $"The model factory made a {replica.Description.Name} ({replica.Description.SpecText}), not the classifier's {_classifier.Model.Description.SpecText}.");
        }

        _weights.CopyTo(replica.Parameters);
        replica.Threads = 1;
        Interlocked.Increment(ref _created);
        return replica;
    }
}
