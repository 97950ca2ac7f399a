namespace RnnGen.Execution;

/// <summary>
/// Runs the shards of a batch on up to <see cref="Threads"/> threads, with persistent worker threads so that a training
/// step allocates nothing. Which thread runs which shard does not matter: each shard's work is fixed by the batch alone,
/// and the caller reduces the shards' results in shard order afterwards, so 1 and N threads give bit-identical weights.
/// </summary>
public sealed class ShardRunner : IDisposable
{
    private readonly object _gate = new();
    private Thread[] _workers = [];
    private Action<int>? _work;
    private int _count;
    private int _next;
    private int _pending;
    private int _helpersThisRound;
    private int _generation;
    private Exception? _failure;
    private bool _disposed;

    /// <summary>Creates a runner for <paramref name="threads"/> threads (the calling thread is one of them).</summary>
    public ShardRunner(int threads = 0) => Threads = threads;

    /// <summary>The number of threads that work on a batch: 1 runs everything on the caller; 0 means one per processor.</summary>
    public int Threads
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value == 0 ? Environment.ProcessorCount : value;
        }
    }

    /// <summary>Calls <paramref name="work"/>(i) for i in [0, <paramref name="count"/>) and returns when all have finished.</summary>
    public void Run(int count, Action<int> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int helpers = Math.Min(Threads, count) - 1;
        if (helpers <= 0)
        {
            for (int i = 0; i < count; i++)
            {
                work(i);
            }

            return;
        }

        EnsureWorkers(helpers);
        lock (_gate)
        {
            _work = work;
            _count = count;
            _next = 0;
            _failure = null;
            _pending = helpers;
            _helpersThisRound = helpers;
            _generation++;
            Monitor.PulseAll(_gate);
        }

        Drain();
        for (var spin = Spinner.Start(); Volatile.Read(ref _pending) > 0 && spin.Next();)
        {
        }

        lock (_gate)
        {
            while (_pending > 0)
            {
                Monitor.Wait(_gate);
            }

            _work = null;
        }

        if (_failure is not null)
        {
            throw new AggregateException("A shard of the batch failed.", _failure);
        }
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// A short spin before a thread blocks on the gate. Rounds follow each other closely (a training step runs several; a
    /// 128-row prediction of config A takes about 1.5 ms on 2 threads), and a thread woken from Monitor.Wait runs late: a
    /// round cost 28-33 µs beyond its work (median, p90 90-110 µs) when the helper and the caller blocked, 1.5-2 µs with
    /// the spin (the harness's --runner, 2-core AMD EPYC Zen 5 virtual machine). A struct, so that waiting allocates nothing.
    /// </summary>
    private struct Spinner
    {
        private static readonly long Budget = System.Diagnostics.Stopwatch.Frequency / 10_000; // 100 µs
        private long _deadline;
        private SpinWait _wait;

        public static Spinner Start() => new() { _deadline = System.Diagnostics.Stopwatch.GetTimestamp() + Budget };

        /// <summary>Spins once and returns true, or returns false once the budget is spent.</summary>
        public bool Next()
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() >= _deadline)
            {
                return false;
            }

            _wait.SpinOnce(sleep1Threshold: -1);
            return true;
        }
    }

    private void Drain()
    {
        Action<int> work = _work!;
        int count = _count;
        for (int i = Interlocked.Increment(ref _next) - 1; i < count; i = Interlocked.Increment(ref _next) - 1)
        {
            try
            {
                work(i);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, exception, null);
            }
        }
    }

    private void EnsureWorkers(int helpers)
    {
        if (_workers.Length >= helpers)
        {
            return;
        }

        var workers = new Thread[helpers];
        Array.Copy(_workers, workers, _workers.Length);
        for (int i = _workers.Length; i < helpers; i++)
        {
            workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"RnnGen shard worker {i + 1}" };
            workers[i].Start(i);
        }

        _workers = workers;
    }

    private void WorkerLoop(object? state)
    {
        int index = (int)state!;
        int seen = 0;
        while (true)
        {
            for (var spin = Spinner.Start(); Volatile.Read(ref _generation) == seen && !Volatile.Read(ref _disposed) && spin.Next();)
            {
            }

            lock (_gate)
            {
                while (!_disposed && (_generation == seen || index >= _helpersThisRound))
                {
                    if (_generation != seen && index >= _helpersThisRound)
                    {
                        seen = _generation; // this round needs fewer helpers than exist
                    }

                    Monitor.Wait(_gate);
                }

                if (_disposed)
                {
                    return;
                }

                seen = _generation;
            }

            Drain();
            lock (_gate)
            {
                if (--_pending == 0)
                {
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }
}
