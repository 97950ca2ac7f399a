// A generated model owns its batch buffers (tokens, activations, gradients, the shards' scratch) and reuses them on
// every call, which is what makes a step allocate nothing. Two threads calling one model at once would share those
// buffers: wrong probabilities at best, and writes past a buffer that the other call is about to grow at worst. The
// guard turns that into an immediate, named error, at the cost of one interlocked exchange per call.
namespace RnnGen.Execution;

/// <summary>Admits one call at a time into a model; a second, concurrent call gets an <see cref="InvalidOperationException"/>.</summary>
public sealed class CallerGuard
{
    private int _busy;

    /// <summary>
    /// Marks the model busy for the lifetime of the returned scope, or throws if another call holds it. The check is not a
    /// lock: a second caller is refused, never made to wait, so a program that shares a model by mistake learns it at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is inside a call of <paramref name="model"/>.</exception>
    public Scope Enter(object model, string operation)
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException(
                $"{model.GetType().Name}.{operation} was called while another call on the same model is running on another thread. "
                + "A generated model reuses its batch buffers and serves one caller at a time: give each thread its own model "
                + "(copy the weights through Parameters), or make the calls one after another.");
        }

        return new Scope(this);
    }

    /// <summary>Frees the model when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly CallerGuard _guard;

        internal Scope(CallerGuard guard) => _guard = guard;

        /// <summary>Ends the call.</summary>
        public void Dispose() => Volatile.Write(ref _guard._busy, 0);
    }
}
