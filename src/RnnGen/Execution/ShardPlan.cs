namespace RnnGen.Execution;

/// <summary>
/// How a batch splits into shards, each with its own buffers and gradients. The split depends on the batch size alone,
/// never on the thread count, and shards are reduced in shard order, so any number of threads gives the same bits
/// (docs/determinism.md).
/// </summary>
public static class ShardPlan
{
    /// <summary>The most shards a batch is split into.</summary>
    public const int MaxShards = 8;

    /// <summary>The fewest rows of a shard: enough for the 6-row register blocks of the kernels to dominate.</summary>
    public const int RowsPerShard = 64;

    /// <summary>The number of shards of a batch: one per <see cref="RowsPerShard"/> rows, from 1 to <see cref="MaxShards"/>.</summary>
    public static int ShardCount(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        return Math.Clamp(batch / RowsPerShard, 1, MaxShards);
    }

    /// <summary>The first row of shard <paramref name="shard"/>: shard s holds rows [s·B/S, (s+1)·B/S).</summary>
    public static int FirstRow(int shard, int batch, int shardCount) => (int)((long)shard * batch / shardCount);

    /// <summary>The rows of shard <paramref name="shard"/>.</summary>
    public static int RowCount(int shard, int batch, int shardCount) =>
        FirstRow(shard + 1, batch, shardCount) - FirstRow(shard, batch, shardCount);

    /// <summary>
    /// Checks that a shard of <paramref name="rows"/> sequences of <paramref name="seqLen"/> steps, <paramref name="width"/>
    /// floats per step in its widest buffer, fits in one array.
    /// </summary>
    public static void CheckCapacity(int rows, int seqLen, int width)
    {
        if ((long)seqLen * rows * width > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                "batch",
                rows,
                $"A batch of {rows} sequences of {seqLen} steps needs more than one array can hold per layer; split it into smaller batches.");
        }
    }
}
