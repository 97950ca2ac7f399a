// The reduction of data-parallel shards' gradients into the model's, the same for every model: the dense tensors
// (everything after the embedding) are summed in shard order, and of the embedding only the rows some shard used are
// touched (a batch uses a few thousand of Vocab rows). Shard order, not thread order, fixes every sum, so any thread
// count gives the same bits (docs/determinism.md).
using System.Numerics.Tensors;
using RnnGen.Kernels;

namespace RnnGen.Execution;

/// <summary>A shard's part of a reduction: its gradients in the parameter layout and the embedding rows it used.</summary>
public interface IShardGradients
{
    /// <summary>The shard's gradients, as long as the model's parameters.</summary>
    float[] Gradients { get; }

    /// <summary>The embedding rows the shard's tokens used.</summary>
    RowTracker UsedRows { get; }
}

/// <summary>Sums shards' gradients into the model's.</summary>
public static class GradientReduction
{
    /// <summary>
    /// <paramref name="gradients"/> = Σ over <paramref name="shards"/> in order: the dense part from
    /// <paramref name="embeddingLength"/> on in full, the embedding rows of width <paramref name="embed"/> only where a
    /// shard used them (tracked in <paramref name="usedRows"/>, whose previous rows are cleared first).
    /// </summary>
    public static void Reduce<TShard>(float[] gradients, int embeddingLength, int embed, RowTracker usedRows, ReadOnlySpan<TShard> shards)
        where TShard : IShardGradients
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(usedRows);
        if (shards.IsEmpty)
        {
            throw new ArgumentException("A reduction needs at least one shard.", nameof(shards));
        }

        int denseLength = gradients.Length - embeddingLength;
        var dense = new Span<float>(gradients, embeddingLength, denseLength);
        new ReadOnlySpan<float>(shards[0].Gradients, embeddingLength, denseLength).CopyTo(dense);
        for (int s = 1; s < shards.Length; s++)
        {
            TensorPrimitives.Add(dense, new ReadOnlySpan<float>(shards[s].Gradients, embeddingLength, denseLength), dense);
        }

        usedRows.ClearRows(gradients, embed);
        foreach (TShard shard in shards)
        {
            float[] shardGradients = shard.Gradients;
            foreach (int id in shard.UsedRows.Rows)
            {
                var row = new Span<float>(gradients, id * embed, embed);
                var shardRow = new ReadOnlySpan<float>(shardGradients, id * embed, embed);
                if (usedRows.Add(id))
                {
                    shardRow.CopyTo(row);
                }
                else
                {
                    TensorPrimitives.Add(row, shardRow, row);
                }
            }
        }
    }
}
