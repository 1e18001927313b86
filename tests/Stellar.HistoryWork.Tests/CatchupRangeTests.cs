namespace Stellar.HistoryWork.Tests;

/// <summary>The reference node's minimal catchup (stellar-core CatchupRange), for a node at genesis.</summary>
public class CatchupRangeTests
{
    [Theory]
    // to, from (0 = none) → buckets at (0 = none), first replayed (0 = none), checkpoints first..last
    [InlineData(127u, 0u, 127u, 0u, 127u, 127u)]     // a checkpoint: buckets there, nothing to replay
    [InlineData(100u, 0u, 63u, 64u, 63u, 127u)]      // inside a checkpoint: buckets before it, replay to 100
    [InlineData(128u, 0u, 127u, 128u, 127u, 191u)]   // the first ledger of a checkpoint
    [InlineData(50u, 0u, 0u, 2u, 63u, 63u)]          // inside the first checkpoint: replay from genesis
    [InlineData(6000u, 5000u, 4991u, 4992u, 4991u, 6015u)] // catchup 6000/1001
    [InlineData(127u, 64u, 63u, 64u, 63u, 127u)]     // from the first ledger of a checkpoint
    [InlineData(127u, 63u, 0u, 2u, 63u, 127u)]       // from inside the first checkpoint: replay from genesis
    [InlineData(10047u, 2u, 0u, 2u, 63u, 10047u)]    // count ≥ to − 1: full replay
    [InlineData(10047u, 10047u, 9983u, 9984u, 9983u, 10047u)] // count 1 at a checkpoint: replay its last ledger
    public void For_ReferenceRules_BucketsReplayAndCheckpoints(uint to, uint from, uint bucketsAt, uint replayFirst, uint firstCheckpoint, uint lastCheckpoint)
    {
        var range = CatchupRange.For(to, from == 0 ? null : from, CheckpointMath.Default);

        range.ApplyBucketsAt.Should().Be(bucketsAt == 0 ? null : bucketsAt);
        range.ReplayFirst.Should().Be(replayFirst == 0 ? null : replayFirst);
        (range.Checkpoints == new CheckpointRange(firstCheckpoint, lastCheckpoint, CheckpointMath.Default)).Should().BeTrue(range.Checkpoints.ToString());
        range.Ledgers.Should().Be(new LedgerRange(bucketsAt == 0 ? 1 : bucketsAt, to));
    }

    [Fact]
    public void For_NotAfterGenesis_Throws()
    {
        var act = () => CatchupRange.For(1, null, CheckpointMath.Default);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void For_LedgerWhoseCheckpointDoesNotFit_ThrowsInsteadOfWrapping()
    {
        var math = new CheckpointMath(3);

        var act = () => CatchupRange.For(uint.MaxValue, null, math);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ToString_InsideACheckpoint_SaysBucketsAndReplay()
    {
        CatchupRange.For(100, null, CheckpointMath.Default).ToString().Should().Be("buckets at 63, replay 64..100");
    }
}
