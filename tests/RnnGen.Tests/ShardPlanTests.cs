using RnnGen.Execution;

namespace RnnGen.Tests;

/// <summary>The shard split every generated model uses: by batch size alone, covering each row once.</summary>
public class ShardPlanTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(127, 1)]
    [InlineData(128, 2)]
    [InlineData(511, 7)]
    [InlineData(512, 8)]
    [InlineData(100_000, 8)]
    public void A_batch_gets_one_shard_per_64_rows_from_1_to_8(int batch, int shards) =>
        Assert.Equal(shards, ShardPlan.ShardCount(batch));

    [Theory]
    [InlineData(1)]
    [InlineData(130)]
    [InlineData(1000)]
    [InlineData(int.MaxValue / 2)]
    public void The_shards_cover_every_row_once_in_order(int batch)
    {
        int count = ShardPlan.ShardCount(batch);
        long covered = 0;
        for (int s = 0; s < count; s++)
        {
            Assert.Equal(covered, ShardPlan.FirstRow(s, batch, count));
            int rows = ShardPlan.RowCount(s, batch, count);
            Assert.InRange(rows, Math.Min(batch, ShardPlan.RowsPerShard), int.MaxValue);
            covered += rows;
        }

        Assert.Equal(batch, covered);
    }

    [Fact]
    public void A_shard_too_large_for_one_array_is_refused_with_its_size()
    {
        ShardPlan.CheckCapacity(rows: 1000, seqLen: 500, width: 128);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ShardPlan.CheckCapacity(rows: 100_000, seqLen: 500, width: 128));
        Assert.Contains("A batch of 100000 sequences of 500 steps", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardPlan.ShardCount(0));
    }
}
